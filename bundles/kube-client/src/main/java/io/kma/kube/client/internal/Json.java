package io.kma.kube.client.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers to read Kubernetes JSON trees. */
final class Json {

    private Json() {
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** RFC 3339 timestamps as Kubernetes writes them; null when absent or malformed. */
    static Instant instant(JsonNode node, String field) {
        String s = text(node, field);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A string map (labels, annotations), each key and value passed through {@code interner} when given. */
    static Map<String, String> stringMap(JsonNode node, Interner interner) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String k = e.getKey();
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            m.put(interner == null ? k : interner.intern(k), interner == null ? v : interner.intern(v));
        });
        Map<String, String> copy = Map.copyOf(m);
        return interner == null ? copy : interner.intern(copy);
    }
}
