package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.kma.api.http.HealthCheck;
import io.kma.api.http.HttpWhiteboard;
import io.undertow.server.HttpHandler;

/** What the launcher's systemd notification reads: listener, then the API handler, then the /livez checks. */
class ServingReadinessTest {

    private final AtomicReference<InetSocketAddress> listener = new AtomicReference<>();
    private final HandlerRoutes routes = new HandlerRoutes(Duration.ofMillis(10), HealthEndpoints.paths());
    private final HealthEndpoints health = new HealthEndpoints();
    private final ServingReadiness readiness = new ServingReadiness(listener::get, routes, health);

    @Test
    void waitsForTheListenerThenTheApiHandlerThenLivez() {
        AtomicBoolean logOk = new AtomicBoolean(false);
        health.add("log", check("log", logOk), Map.of(HealthCheck.ENDPOINTS, "livez", "service.id", 1L));
        health.add("metrics", check("metric-storage-ready", new AtomicBoolean(false)),
                Map.of(HealthCheck.ENDPOINTS, "readyz", "service.id", 2L));
        HttpHandler api = exchange -> { };
        HttpHandler other = exchange -> { };

        assertEquals(Optional.of("waiting for the HTTPS listener"), readiness.waitingFor());
        listener.set(new InetSocketAddress("127.0.0.1", 4443));
        routes.bind("other", other, Map.of(HttpWhiteboard.PATH_PREFIX, "/"));
        assertEquals(Optional.of("waiting for the metrics.k8s.io API handler"), readiness.waitingFor(),
                "a handler of a shorter prefix does not serve the API");
        routes.bind("api", api, Map.of(HttpWhiteboard.PATH_PREFIX, new String[] {"/apis", "/openapi"}));
        assertEquals(Optional.of("waiting for /livez (failed: log)"), readiness.waitingFor());
        logOk.set(true);
        assertEquals(Optional.empty(), readiness.waitingFor(), "a failing readyz check does not hold readiness back");
        routes.unbind("api");
        assertEquals(Optional.of("waiting for the metrics.k8s.io API handler"), readiness.waitingFor());
    }

    private static HealthCheck check(String name, AtomicBoolean ok) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result check() {
                return ok.get() ? Result.OK : Result.failed("not yet");
            }
        };
    }
}
