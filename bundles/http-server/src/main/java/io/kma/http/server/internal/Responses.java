package io.kma.http.server.internal;

import java.nio.charset.StandardCharsets;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/** The few responses this bundle writes itself, byte for byte as upstream's Go server writes them. */
final class Responses {

    static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    static final HttpString NOSNIFF_HEADER = new HttpString("X-Content-Type-Options");

    private Responses() {
    }

    /** Plain text with nosniff, as Go's {@code http.Error} and the healthz handlers write it. */
    static void text(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT_PLAIN);
        exchange.getResponseHeaders().put(NOSNIFF_HEADER, "nosniff");
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    /** Go's {@code http.NotFound}. */
    static void notFound(HttpServerExchange exchange) {
        text(exchange, 404, "404 page not found\n");
    }

    /** A Kubernetes {@code Status} failure, as kube-apiserver and the aggregator answer. */
    static void status(HttpServerExchange exchange, int code, String reason, String message) {
        exchange.setStatusCode(code);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(statusJson(code, reason, message), StandardCharsets.UTF_8);
    }

    static String statusJson(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + jsonString(message) + ",\"reason\":" + jsonString(reason) + ",\"code\":" + code + "}\n";
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
