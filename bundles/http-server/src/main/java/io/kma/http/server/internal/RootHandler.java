package io.kma.http.server.internal;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.http.AccessGate;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Entry point of every request, in k8s.io/apiserver's filter order as far as it applies here: count and
 * time it; refuse bodies and oversized headers before any work; remove identity headers unless the route
 * authenticates front-proxy requests itself; serve the exact health endpoints anonymously and outside the
 * in-flight limit; everything else within the in-flight limit and the request timeout: health sub-paths
 * through the {@link AccessGate}, the rest to the handler whiteboard.
 */
final class RootHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RootHandler.class);

    private final HealthEndpoints health;
    private final HandlerRoutes routes;
    private final HttpRequestMetrics metrics;
    private final RequestScreen screen;
    private final Supplier<AccessGate> gate;
    private volatile RequestLimits limits;

    RootHandler(HealthEndpoints health, HandlerRoutes routes, HttpRequestMetrics metrics, RequestScreen screen,
            Supplier<AccessGate> gate, RequestLimits limits) {
        this.health = health;
        this.routes = routes;
        this.metrics = metrics;
        this.screen = screen;
        this.gate = gate;
        this.limits = limits;
    }

    /** New limits (a configuration change): requests in flight keep the slots of the old ones. */
    void limits(RequestLimits next) {
        limits = next;
    }

    RequestLimits limits() {
        return limits;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, next) -> {
            metrics.record(ex.getRequestMethod().toString(), ex.getStatusCode(), System.nanoTime() - start);
            next.proceed();
        });
        if (!screen.admit(exchange)) {
            return;
        }
        String path = exchange.getRequestPath();
        if (isHealthPath(path)) {
            screen.stripIdentityHeaders(exchange.getRequestHeaders());
            if (HealthEndpoints.isEndpoint(path)) {
                health.handleRequest(exchange);
            } else if (limits.admit(exchange)) {
                // Only the exact endpoints are exempt (as kube-apiserver's "probes" flow schema): a sub-path costs
                // an authentication, maybe a review, and takes a slot like any other request.
                exchange.dispatch(() -> gated(exchange));
            }
            return;
        }
        if (!routes.receivesIdentityHeaders(path)) {
            screen.stripIdentityHeaders(exchange.getRequestHeaders());
        }
        if (limits.admit(exchange)) {
            routes.handleRequest(exchange);
        }
    }

    /** On a worker thread: a health sub-path names the failure, so it needs authentication and authorization. */
    private void gated(HttpServerExchange exchange) {
        AccessGate g = gate.get();
        try {
            if (g == null) {
                // Nothing can authenticate the caller: as k8s.io/apiserver without an authenticator that accepts it.
                Responses.status(exchange, 401, "Unauthorized", "Unauthorized");
                return;
            }
            if (g.admit(exchange)) {
                health.handleRequest(exchange);
            } else {
                exchange.endExchange();
            }
        } catch (Exception e) {
            LOG.error("Access gate failed on {}", exchange.getRequestPath(), e);
            if (!exchange.isResponseStarted()) {
                Responses.status(exchange, 500, "InternalError", "Internal error occurred: access check failed");
            } else {
                exchange.endExchange();
            }
        }
    }

    static boolean isHealthPath(String path) {
        for (String endpoint : HealthEndpoints.ENDPOINTS) {
            if (path.length() > endpoint.length() && path.startsWith(endpoint, 1) && path.charAt(0) == '/'
                    && (path.length() == endpoint.length() + 1 || path.charAt(endpoint.length() + 1) == '/')) {
                return true;
            }
        }
        return false;
    }
}
