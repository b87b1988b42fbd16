package io.kma.kube.client.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

/**
 * A pod → {@link PodInfo}: its metadata and {@code spec.nodeName}, with namespaces, labels and node names
 * interned. The one pod decoder, for list items and watch events alike: read field by field, as of a full pod
 * only five fields are kept. Labels with a null value are "", scalars of another JSON type their text, a field
 * of the wrong shape (labels not an object, a name that is an object) is skipped as absent or "".
 */
final class PodMetadataDecoder implements Informer.Decoder<PodInfo> {

    /** Slots of {@link #recentTimes}: a power of two. */
    private static final int RECENT_TIMES = 1024;

    private final Interner interner;
    /**
     * Creation times decoded lately, by epoch second: the pods of one rollout share their second and come one
     * after the other in a list sorted by name, so each keeps the same {@code Instant} (24 B a pod) at the
     * cost of one fixed array, not of a map entry per distinct time. Touched by the informer thread only.
     */
    private final Instant[] recentTimes = new Instant[RECENT_TIMES];

    PodMetadataDecoder(Interner interner) {
        this.interner = interner;
    }

    @Override
    public PodInfo decode(JsonParser p, ObjectMapper mapper, Consumer<String> resourceVersion) throws IOException {
        String namespace = null;
        String name = null;
        Map<String, String> labels = Map.of();
        Instant created = null;
        String node = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT && "metadata".equals(field)) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String m = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (m) {
                        case "namespace" -> namespace = scalar(p, v);
                        case "name" -> name = scalar(p, v);
                        case "creationTimestamp" -> created = shared(Json.instant(scalar(p, v)));
                        case "labels" -> labels = v == JsonToken.START_OBJECT ? labels(p) : skip(p, Map.of());
                        case "resourceVersion" -> {
                            if (resourceVersion != null) {
                                resourceVersion.accept(scalar(p, v));
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } else if (value == JsonToken.START_OBJECT && "spec".equals(field)) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isNode = "nodeName".equals(p.currentName());
                    JsonToken v = p.nextToken();
                    if (isNode) {
                        node = scalar(p, v);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return pod(namespace, name, labels, created, node);
    }

    private PodInfo pod(String namespace, String name, Map<String, String> labels, Instant created, String node) {
        if (namespace == null || name == null || name.isEmpty()) {
            return null;
        }
        return new PodInfo(interner.intern(namespace), name, labels, created,
                node == null || node.isEmpty() ? null : interner.intern(node));
    }

    private Instant shared(Instant t) {
        if (t == null) {
            return null;
        }
        int slot = (int) (t.getEpochSecond() & (RECENT_TIMES - 1));
        Instant seen = recentTimes[slot];
        if (t.equals(seen)) {
            return seen;
        }
        recentTimes[slot] = t;
        return t;
    }

    /** Null values are "", keys, values and the map interned. */
    private Map<String, String> labels(JsonParser p) throws IOException {
        Map<String, String> m = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            String value = v == JsonToken.VALUE_NULL ? "" : scalar(p, v);
            if (m == null) {
                m = new LinkedHashMap<>();
            }
            m.put(interner.intern(k), interner.intern(value == null ? "" : value));
        }
        return m == null ? Map.of() : interner.intern(Map.copyOf(m));
    }

    /** A scalar's text (as JsonNode.asText); null for JSON null; objects and arrays are skipped as "". */
    private static String scalar(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            p.skipChildren();
            return "";
        }
        return p.getText();
    }

    private static <V> V skip(JsonParser p, V value) throws IOException {
        p.skipChildren();
        return value;
    }
}
