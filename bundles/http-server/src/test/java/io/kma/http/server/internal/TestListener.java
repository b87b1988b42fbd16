package io.kma.http.server.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.xnio.Xnio;

import io.kma.api.http.AccessGate;
import io.kma.api.http.HealthCheck;
import io.kma.api.http.HttpWhiteboard;
import io.kma.tls.internal.BcTlsMaterials;
import io.undertow.server.HttpHandler;

/**
 * The listener as the component wires it, outside OSGi: real Undertow on 127.0.0.1, the real
 * TlsMaterials, XNIO found by ServiceLoader on the test class path. Registrations get service ids
 * like DS would give them.
 */
final class TestListener implements AutoCloseable {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(1000);

    final BcTlsMaterials tls = new BcTlsMaterials();
    final HandlerRoutes routes;
    final HealthEndpoints health = new HealthEndpoints();
    final HttpRequestMetrics metrics = new HttpRequestMetrics();
    final ShutdownCheck shutdown = new ShutdownCheck();
    final HttpService service;
    /** The AccessGate the listener sees; null: none registered. */
    volatile AccessGate gate;

    TestListener(Duration handlerWait) {
        routes = new HandlerRoutes(handlerWait, HealthEndpoints.paths());
        service = new HttpService(Xnio.getInstance(), () -> tls, routes, health, metrics, shutdown, Duration.ofSeconds(2),
                () -> gate, Optional::empty);
        addCheck(new PingCheck(), 0, "livez", "readyz", "healthz");
        addCheck(new LogCheck(), 10, "livez", "readyz", "healthz");
        addCheck(new StorageObjectCountTrackerHook(), 30, "livez", "readyz", "healthz");
        addCheck(shutdown, 1000, "readyz");
    }

    /** A gate that admits "Authorization: Bearer good" and answers 401 otherwise, as the metrics-api gate would. */
    static final AccessGate BEARER_GOOD = exchange -> {
        if ("Bearer good".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        Responses.status(exchange, 401, "Unauthorized", "Unauthorized");
        return false;
    };

    static ServerSettings selfSigned(Path certDir) {
        return new ServerSettings("127.0.0.1", 0, null, null, certDir, false);
    }

    TestListener start(ServerSettings settings) throws Exception {
        service.apply(settings);
        return this;
    }

    int port() {
        InetSocketAddress a = service.address();
        return a.getPort();
    }

    /** Registers a handler like a whiteboard service; returns its key (service id) for unbind. */
    long addHandler(HttpHandler handler, int ranking, String... prefixes) {
        long id = SERVICE_IDS.incrementAndGet();
        Map<String, Object> props = new HashMap<>();
        props.put(HttpWhiteboard.PATH_PREFIX, prefixes.length == 1 ? prefixes[0] : prefixes);
        props.put("service.id", id);
        props.put("service.ranking", ranking);
        routes.bind(id, handler, props);
        return id;
    }

    long addCheck(HealthCheck check, int order, String... endpoints) {
        long id = SERVICE_IDS.incrementAndGet();
        health.add(id, check, Map.of(HealthCheck.ENDPOINTS, endpoints, HealthCheck.ORDER, order, "service.id", id));
        return id;
    }

    @Override
    public void close() {
        service.stop();
    }
}
