package io.kma.http.server.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.xnio.Xnio;

import io.kma.tls.internal.BcTlsMaterials;
import io.undertow.server.HttpHandler;

/**
 * The appliance's real HTTPS listener ({@link HttpsServer}: its pools, threads, TLS) on 127.0.0.1 with a
 * self-signed certificate, around one handler: for metrics-api's {@code ListServingLoop}, which lives in
 * metrics-api's test sources because the list path is package-private there.
 */
public final class ListServer implements AutoCloseable {

    private final HttpsServer server;

    public ListServer(Path certDir, HttpHandler handler) throws Exception {
        server = new HttpsServer(new ServerSettings("127.0.0.1", 0, null, null, certDir, false), Xnio.getInstance(),
                new BcTlsMaterials(), handler, new HttpRequestMetrics());
        server.start();
    }

    /** With the listener's request deadline in front of the handler, as every API request has it. */
    public ListServer(Path certDir, HttpHandler handler, Duration requestTimeout) throws Exception {
        this(certDir, limited(handler, new RequestLimits(400, requestTimeout, new HttpRequestMetrics())));
    }

    private static HttpHandler limited(HttpHandler handler, RequestLimits limits) {
        return exchange -> {
            if (limits.admit(exchange)) {
                handler.handleRequest(exchange);
            }
        };
    }

    public int port() {
        InetSocketAddress a = server.address();
        return a.getPort();
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
    }
}
