package io.kma.metrics.api.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.PodInfo;

/**
 * Each pod's metadata encoded once, as JSON and as protobuf, for as long as the cluster view's
 * {@link PodInfo} for that pod is the same object (it is replaced, never mutated, when the pod changes).
 * The usage part of an item changes every resolution and is written straight from the store's figures by
 * {@link PodListWriter}; caching it too would turn every sample into long-lived garbage (350,000 items
 * per resolution at 5,000 nodes, promoted before they die). Thread-safe: two requests encoding the same new
 * pod race harmlessly.
 */
final class EncodedItems {

    /** Written in place of creationTimestamp, then cut out: no name, namespace or label can hold '@'. */
    private static final String MARKER = "@kma-now@";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
    /** {@link MetricsWriter#podMetadata} ends with the timestamp field's placeholder value, cut off here. */
    private static final byte[] NULL_VALUE = "null".getBytes(StandardCharsets.US_ASCII);

    /**
     * One pod's metadata. JSON: {@code jsonHead} is {@code {"metadata":{…,"creationTimestamp":"} and
     * {@code jsonTail} is {@code "…labels…},"timestamp":}; protobuf: the PodMetrics' field 1 with a hole for
     * creationTimestamp's seconds between {@code protoHead} and {@code protoTail}.
     */
    static final class Meta {
        final PodInfo info;
        final byte[] jsonHead;
        final byte[] jsonTail;
        final byte[] protoHead;
        final byte[] protoTail;
        /** Kept, not summed per list: the list's measuring pass would otherwise load both arrays of every item. */
        private final int protoLength;

        Meta(PodInfo info, Generators generators) {
            this.info = info;
            byte[][] json = encodeJson(generators, info);
            this.jsonHead = json[0];
            this.jsonTail = json[1];
            MetricsProto.Split proto = MetricsProto.metadata(info.name(), info.namespace(), info.labels());
            this.protoHead = proto.head();
            this.protoTail = proto.tail();
            this.protoLength = protoHead.length + MetricsProto.NOW_BYTES + protoTail.length;
        }

        /** Bytes of field 1 (tag, length, metadata) with the 5-byte hole. */
        int protoLength() {
            return protoLength;
        }
    }

    private final Generators generators;
    private final Map<String, Map<String, Meta>> items = new ConcurrentHashMap<>();

    EncodedItems(Generators generators) {
        this.generators = generators;
    }

    /** The metadata of this pod, encoded when the pod is new or changed. */
    Meta get(PodInfo info) {
        Map<String, Meta> ns = items.get(info.namespace());
        if (ns == null) {
            ns = items.computeIfAbsent(info.namespace(), k -> new ConcurrentHashMap<>());
        }
        Meta meta = ns.get(info.name());
        if (meta == null || meta.info != info) {
            meta = new Meta(info, generators);
            ns.put(info.name(), meta);
        }
        return meta;
    }

    int size() {
        int n = 0;
        for (Map<String, Meta> ns : items.values()) {
            n += ns.size();
        }
        return n;
    }

    /** Forgets pods the cluster view no longer holds (or holds in a newer version), so the cache never outgrows it. */
    void prune(ClusterView cluster) {
        for (Iterator<Map.Entry<String, Map<String, Meta>>> nit = items.entrySet().iterator(); nit.hasNext();) {
            Map.Entry<String, Map<String, Meta>> ns = nit.next();
            ns.getValue().values().removeIf(m -> cluster.pod(m.info.namespace(), m.info.name()).orElse(null) != m.info);
            if (ns.getValue().isEmpty()) {
                nit.remove();
            }
        }
    }

    /** The item as the streaming {@link MetricsWriter} writes it, cut before creationTimestamp and after the metadata. */
    private static byte[][] encodeJson(Generators generators, PodInfo info) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        byte[] b;
        try (JsonGenerator g = generators.createForMetrics(buf, false)) {
            new MetricsWriter(g, MARKER).podMetadata(info);
            g.flush();
            b = buf.toByteArray(); // before close() ends the open object
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        int at = indexOf(b, MARKER_BYTES);
        int end = b.length - NULL_VALUE.length;
        if (end < at || !Arrays.equals(b, end, b.length, NULL_VALUE, 0, NULL_VALUE.length)) {
            throw new IllegalStateException("an encoded item's metadata does not end with the timestamp field");
        }
        byte[] head = Arrays.copyOfRange(b, 0, at);
        byte[] tail = Arrays.copyOfRange(b, at + MARKER_BYTES.length, end);
        return new byte[][] {head, tail};
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i <= b.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("creationTimestamp marker not found in an encoded item");
    }
}
