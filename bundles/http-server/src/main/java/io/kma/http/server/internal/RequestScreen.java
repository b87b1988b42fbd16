package io.kma.http.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import io.kma.api.auth.RequestHeaderSettings;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Checks every request gets on the I/O thread before any handler, worker thread or credential check:
 * a request body is refused (413, connection closed, body never read: every route here is read-only,
 * and draining an attacker's body would hold a worker), headers beyond upstream's 1 MiB are refused
 * (431, as Go's server), and identity headers are removed unless the route authenticates front-proxy
 * requests itself.
 */
final class RequestScreen {

    /** Go's http.DefaultMaxHeaderBytes, which k8s.io/apiserver's secure serving keeps. */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** Go allows this much beyond MaxHeaderBytes before it answers 431. */
    private static final int GO_HEADER_SLACK = 4096;
    private static final String REMOTE_PREFIX = "x-remote-";

    private final Supplier<Optional<RequestHeaderSettings>> clusterHeaderNames;

    /** @param clusterHeaderNames the request-header names the cluster publishes (ConfigMap), if known */
    RequestScreen(Supplier<Optional<RequestHeaderSettings>> clusterHeaderNames) {
        this.clusterHeaderNames = clusterHeaderNames;
    }

    /** @return false when the request was answered here */
    boolean admit(HttpServerExchange exchange) {
        if (hasBody(exchange)) {
            refuse(exchange, 413, "RequestEntityTooLarge", "the server does not accept a request body on "
                    + exchange.getRequestPath());
            return false;
        }
        if (headerBytes(exchange.getRequestHeaders()) > MAX_HEADER_BYTES + GO_HEADER_SLACK) {
            exchange.setPersistent(false);
            exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
            Responses.text(exchange, 431, "431 Request Header Fields Too Large");
            return false;
        }
        return true;
    }

    /**
     * Answers and closes the connection without reading the body: non-persistent, Undertow closes the
     * request side instead of draining it.
     */
    static void refuse(HttpServerExchange exchange, int code, String reason, String message) {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        Responses.status(exchange, code, reason, message);
    }

    static boolean hasBody(HttpServerExchange exchange) {
        HeaderMap h = exchange.getRequestHeaders();
        if (h.contains(Headers.TRANSFER_ENCODING)) {
            return true;
        }
        String length = h.getFirst(Headers.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) != 0;
        } catch (NumberFormatException e) {
            return true; // Undertow rejects these while parsing; never treat one as "no body"
        }
    }

    private static long headerBytes(HeaderMap headers) {
        long n = 0;
        for (HeaderValues values : headers) {
            int name = values.getHeaderName().length() + 4; // ": " and CRLF
            for (String v : values) {
                n += name + v.length();
            }
        }
        return n;
    }

    /**
     * Removes {@code X-Remote-*} and the cluster's configured user, group and extra headers, as
     * k8s.io/apiserver's authentication filter does before any handler runs.
     */
    void stripIdentityHeaders(HeaderMap headers) {
        List<String> names = new ArrayList<>();
        List<String> prefixes = new ArrayList<>(List.of(REMOTE_PREFIX));
        clusterHeaderNames.get().ifPresent(s -> {
            add(names, s.usernameHeaders());
            add(names, s.groupHeaders());
            add(prefixes, s.extraHeaderPrefixes());
        });
        List<HttpString> remove = new ArrayList<>();
        for (HttpString name : headers.getHeaderNames()) {
            String lower = name.toString().toLowerCase(Locale.ROOT);
            if (names.contains(lower) || prefixes.stream().anyMatch(lower::startsWith)) {
                remove.add(name);
            }
        }
        remove.forEach(headers::remove);
    }

    private static void add(List<String> out, List<String> in) {
        if (in != null) {
            in.forEach(s -> out.add(s.toLowerCase(Locale.ROOT)));
        }
    }
}
