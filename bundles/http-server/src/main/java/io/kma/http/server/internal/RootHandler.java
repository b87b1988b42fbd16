package io.kma.http.server.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Entry point of every request: counts and times it, then sends the health paths to this bundle's
 * health endpoints (public, no authentication) and everything else to the handler whiteboard.
 */
final class RootHandler implements HttpHandler {

    private final HealthEndpoints health;
    private final HandlerRoutes routes;
    private final HttpRequestMetrics metrics;

    RootHandler(HealthEndpoints health, HandlerRoutes routes, HttpRequestMetrics metrics) {
        this.health = health;
        this.routes = routes;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, next) -> {
            metrics.record(ex.getRequestMethod().toString(), ex.getStatusCode(), System.nanoTime() - start);
            next.proceed();
        });
        if (isHealthPath(exchange.getRequestPath())) {
            health.handleRequest(exchange);
        } else {
            routes.handleRequest(exchange);
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
