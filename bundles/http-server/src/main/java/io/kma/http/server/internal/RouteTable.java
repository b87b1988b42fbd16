package io.kma.http.server.internal;

import java.util.Map;

import io.undertow.server.HttpHandler;

/**
 * An immutable map from path prefix to handler. Prefixes that were served once but have no handler
 * now (a bundle being updated) stay in the table with a null handler, so a request for them waits
 * instead of falling through to a shorter prefix or a 404.
 */
final class RouteTable {

    /**
     * One prefix; {@code handler} is null while no service serves it, and {@code calls} counts the requests inside
     * it (null with the handler). {@code identityHeaders}: the handler authenticates front-proxy requests and gets
     * the identity headers.
     */
    record Route(String prefix, HttpHandler handler, HandlerCalls calls, boolean identityHeaders) {
    }

    static final RouteTable EMPTY = new RouteTable(Map.of());

    private final Map<String, Route> routes;

    RouteTable(Map<String, Route> routes) {
        this.routes = Map.copyOf(routes);
    }

    /**
     * The route with the longest prefix matching {@code path}: a prefix matches itself and the paths
     * below it after a '/' ("/apis" matches "/apis" and "/apis/x", not "/apisx"). Walks up the path one
     * segment at a time, so the cost is a few hash lookups whatever the number of routes.
     *
     * @return null when no prefix matches
     */
    Route lookup(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return routes.get("/");
        }
        String candidate = path;
        while (true) { // bounded: the candidate shrinks by at least one character per turn
            Route route = routes.get(candidate);
            if (route != null) {
                return route;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash <= 0) {
                return candidate.equals("/") ? null : routes.get("/");
            }
            candidate = candidate.substring(0, slash);
        }
    }

    int size() {
        return routes.size();
    }

    /**
     * Normalizes a configured prefix: must start with '/', a trailing '/' is dropped ("/apis/" serves
     * the same paths as "/apis"), "/" alone matches everything.
     *
     * @return null when the value cannot be a prefix
     */
    static String normalize(String prefix) {
        if (prefix == null) {
            return null;
        }
        String p = prefix.trim();
        if (p.isEmpty() || p.charAt(0) != '/' || p.indexOf('?') >= 0 || p.indexOf('*') >= 0) {
            return null;
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
