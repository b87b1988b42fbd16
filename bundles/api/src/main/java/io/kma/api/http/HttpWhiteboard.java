package io.kma.api.http;

/**
 * Service properties of the handler whiteboard. A bundle serves HTTP paths by registering an
 * {@code io.undertow.server.HttpHandler} service with {@link #PATH_PREFIX}; the http-server bundle
 * routes each request to the handler with the longest matching prefix. Handlers may come and go
 * while the port stays open; a request arriving while a prefix has no handler waits briefly for one
 * (a bundle being updated) before it is answered 503.
 */
public final class HttpWhiteboard {

    /**
     * Path prefixes (String or String[]) the handler serves, e.g. {@code /apis}. A prefix matches the
     * path itself and every path below it ("/apis" matches "/apis" and "/apis/x", not "/apisx").
     */
    public static final String PATH_PREFIX = "kma.http.path";

    /**
     * Set to {@code true} on a handler that must be reachable without authentication, like the health
     * endpoints. Informational: each handler enforces its own security.
     */
    public static final String PUBLIC = "kma.http.public";

    /**
     * Set to {@code true} on a handler that authenticates front-proxy requests itself: only such a handler
     * sees the identity headers ({@code X-Remote-*} and the cluster's configured request-header names);
     * the http-server removes them before every other handler, so no handler can trust a forged one.
     */
    public static final String REQUEST_HEADER_AUTHENTICATION = "kma.http.requestHeaderAuthentication";

    private HttpWhiteboard() {
    }
}
