package io.kma.simulator;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import org.xnio.IoUtils;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One simulated kubelet's HTTPS endpoints. Healthy responses are rendered on the I/O thread into
 * a reused buffer (no worker thread, no object tree); faults are injected before authentication,
 * the way a broken kubelet or network behaves.
 */
final class KubeletHandler implements HttpHandler {
    private static final ThreadLocal<ByteSink> BUFFER = ThreadLocal.withInitial(() -> new ByteSink(64 * 1024));
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final long HUGE_BYTES = 50L * 1024 * 1024;
    private static final byte[] HUGE_LINE = ("# padding to make a huge kubelet response; the simulator's huge fault mode streams these lines"
            + " ...........................\n").getBytes(StandardCharsets.US_ASCII);

    private final SimNode node;
    private final Faults faults;
    private final Authenticator authenticator;
    private final Policy policy;
    private final long slowMillis;

    KubeletHandler(SimNode node, Faults faults, Authenticator authenticator, Policy policy, long slowMillis) {
        this.node = node;
        this.faults = faults;
        this.authenticator = authenticator;
        this.policy = policy;
        this.slowMillis = slowMillis;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        FaultMode fault = faults.get(node.name);
        switch (fault) {
            case TIMEOUT -> {
                // never answer; the connection stays open until the client gives up or we stop
                exchange.dispatch(SameThreadExecutor.INSTANCE, () -> { });
                return;
            }
            case RESET -> {
                IoUtils.safeClose(exchange.getConnection());
                return;
            }
            case HTTP_500 -> {
                text(exchange, 500, "Internal Server Error: \"/metrics/resource\": simulated kubelet failure\n");
                return;
            }
            case HTTP_401 -> {
                text(exchange, 401, "Unauthorized");
                return;
            }
            case HTTP_403 -> {
                text(exchange, 403, "Forbidden (user=" + Policy.APPLIANCE_USER + ", verb=get, resource=nodes, subresource=metrics)");
                return;
            }
            case GARBAGE -> {
                text(exchange, 200, "container_cpu_usage_seconds_total{container=\"c0\" 12..3 abc\n\u0000\u0001{{{ not prometheus }}}\n");
                return;
            }
            case HUGE -> {
                exchange.dispatch(() -> huge(exchange));
                return;
            }
            case SLOW -> {
                exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
                        exchange.getIoThread().executeAfter(() -> {
                            try {
                                serve(exchange);
                            } catch (Exception e) {
                                IoUtils.safeClose(exchange.getConnection());
                            }
                        }, slowMillis, TimeUnit.MILLISECONDS));
                return;
            }
            default -> serve(exchange);
        }
    }

    private void serve(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        String subresource;
        if (path.equals("/metrics/resource") || path.equals("/metrics/resource/")) {
            subresource = "metrics";
        } else if (path.equals("/stats/summary") || path.equals("/stats/summary/")) {
            subresource = "stats";
        } else if (path.equals("/healthz")) {
            text(exchange, 200, "ok");
            return;
        } else {
            text(exchange, 404, "404 page not found\n");
            return;
        }
        Identity id = authenticator.authenticateOrNull(exchange);
        if (id == null) {
            text(exchange, 401, "Unauthorized");
            return;
        }
        if (!policy.allows(id, Attributes.resource("get", "", "nodes", subresource, "", node.name))) {
            text(exchange, 403, "Forbidden (user=" + id.user() + ", verb=get, resource=nodes, subresource=" + subresource + ")");
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod().toString())) {
            text(exchange, 405, "405: Method Not Allowed");
            return;
        }
        ByteSink out = BUFFER.get();
        out.reset();
        long now = System.currentTimeMillis();
        if (subresource.equals("metrics")) {
            ResourceMetrics.render(out, node, now);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT);
        } else {
            SummaryStats.render(out, node, now);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        }
        exchange.setStatusCode(200);
        exchange.getResponseSender().send(out.toByteBuffer());
    }

    static void text(HttpServerExchange exchange, int code, String body) {
        exchange.setStatusCode(code);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** 50 MiB streamed from one reused line: the simulator never holds the body. */
    private void huge(HttpServerExchange exchange) {
        exchange.startBlocking();
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, Long.toString(HUGE_BYTES));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = HUGE_LINE[i % HUGE_LINE.length];
        }
        chunk[chunk.length - 1] = '\n';
        try (OutputStream os = exchange.getOutputStream()) {
            for (long sent = 0; sent < HUGE_BYTES; sent += chunk.length) {
                os.write(chunk, 0, (int) Math.min(chunk.length, HUGE_BYTES - sent));
            }
        } catch (IOException e) {
            // the client stopped reading: expected when it enforces a size limit
            IoUtils.safeClose(exchange.getConnection());
        }
    }
}
