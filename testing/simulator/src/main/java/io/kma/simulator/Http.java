package io.kma.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Small helpers for blocking JSON responses. */
final class Http {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonFactory JSON = MAPPER.getFactory();

    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private Http() {
    }

    static void json(HttpServerExchange ex, int code, String contentType, JsonBody body) throws IOException {
        ex.setStatusCode(code);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        OutputStream os = ex.getOutputStream();
        try (JsonGenerator g = JSON.createGenerator(os, JsonEncoding.UTF8)) {
            body.write(g);
            g.writeRaw('\n');
        }
    }

    static void json(HttpServerExchange ex, int code, JsonBody body) throws IOException {
        json(ex, code, "application/json", body);
    }

    static void tree(HttpServerExchange ex, int code, Object value) throws IOException {
        json(ex, code, g -> MAPPER.writeValue(g, value));
    }

    static void status(HttpServerExchange ex, int code, String reason, String message) throws IOException {
        status(ex, code, reason, message, null, null, null);
    }

    static void status(HttpServerExchange ex, int code, String reason, String message, String group, String kind, String name) throws IOException {
        json(ex, code, g -> Render.status(g, code, reason, message, group, kind, name));
    }

    static String param(HttpServerExchange ex, String name) {
        var d = ex.getQueryParameters().get(name);
        return d == null || d.isEmpty() ? null : d.getFirst();
    }

    /** A resourceVersion parameter's number; -1 after answering 400 when it is not one. */
    static long resourceVersion(HttpServerExchange ex, String value) throws IOException {
        try {
            long rv = Long.parseLong(value);
            if (rv >= 0) {
                return rv;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        status(ex, 400, "BadRequest", "invalid resource version \"" + value + "\"");
        return -1;
    }

    static boolean flag(HttpServerExchange ex, String name) {
        String v = param(ex, name);
        return v != null && (v.equals("true") || v.equals("1"));
    }

    static byte[] body(HttpServerExchange ex, int max) throws IOException {
        try (InputStream in = ex.getInputStream()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new IOException("request body larger than " + max + " bytes");
            }
            return b;
        }
    }
}
