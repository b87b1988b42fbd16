package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;

/**
 * The Kubernetes protobuf encoding of metrics.k8s.io/v1beta1 (k8s.io/metrics {@code generated.proto};
 * reference wire-and-registration.md §1–2), written as Go's generated marshallers write it: fields in
 * number order, non-pointer strings and ints even when empty, map entries sorted by key, {@code Time} as
 * seconds plus a zero nanos field. Bodies are the {@code k8s\0} magic and a {@code runtime.Unknown}
 * envelope around the object.
 *
 * <p>An item is encoded once and split around the 5-byte varint of its {@code creationTimestamp}
 * seconds, which upstream sets to the time of the request: a list writes head, now, tail per item.
 */
final class MetricsProto {

    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
    /** An empty ListMeta as Go writes it: selfLink, resourceVersion, continue. */
    private static final byte[] EMPTY_LIST_META = {0x0a, 0x06, 0x0a, 0x00, 0x12, 0x00, 0x1a, 0x00};
    /** Unknown's contentEncoding and contentType, always written, empty. */
    private static final byte[] ENVELOPE_END = {0x1a, 0x00, 0x22, 0x00};
    static final int END_BYTES = ENVELOPE_END.length;
    /** Epoch seconds from 1978 to 3058 are 5-byte varints: the width of the creationTimestamp slot. */
    static final int NOW_BYTES = 5;
    private static final long NOW_MIN = 1L << 28;
    private static final long NOW_MAX = (1L << 35) - 1;

    /** An encoded object with a hole for creationTimestamp's seconds between head and tail. */
    record Split(byte[] head, byte[] tail) {

        int length() {
            return head.length + NOW_BYTES + tail.length;
        }

        void writeTo(OutputStream out, byte[] now) throws IOException {
            out.write(head);
            out.write(now);
            out.write(tail);
        }
    }

    private MetricsProto() {
    }

    /** The seconds of "now" as the fixed-width varint that fills a {@link Split}'s hole. */
    static byte[] now(long epochNanos) {
        long seconds = Math.max(NOW_MIN, Math.min(NOW_MAX, Math.floorDiv(epochNanos, 1_000_000_000L)));
        ProtoBuffer b = new ProtoBuffer(NOW_BYTES);
        b.varint(seconds);
        return b.toByteArray();
    }

    static Split pod(PodInfo pod, PodUsage usage) {
        ProtoBuffer rest = new ProtoBuffer(64 + usage.containers().size() * 48);
        podUsage(rest, usage, new Scratch());
        return object(pod.name(), pod.namespace(), pod.labels(), rest);
    }

    /** Reusable buffers for {@link #podUsage}; one per writer, not thread-safe. */
    static final class Scratch {
        final ProtoBuffer container = new ProtoBuffer(64);
        final ProtoBuffer entry = new ProtoBuffer(32);
        final char[] quantity = new char[Quantities.MAX_CHARS];
    }

    /** A PodMetrics' fields after its metadata: timestamp (2), window (3), containers (4). */
    static void podUsage(ProtoBuffer out, PodUsage usage, Scratch scratch) {
        time(out, 2, usage.timestampNanos());
        duration(out, 3, usage.windowNanos());
        ProtoBuffer container = scratch.container;
        for (ContainerUsage c : usage.containers()) {
            container.reset();
            container.string(1, c.name());
            resources(container, 2, c.usage().cpuNanoCores(), c.usage().memoryBytes(), scratch);
            out.message(4, container);
        }
    }

    static Split node(NodeInfo node, NodeUsage usage) {
        ProtoBuffer rest = new ProtoBuffer(96);
        time(rest, 2, usage.timestampNanos());
        duration(rest, 3, usage.windowNanos());
        resources(rest, 4, usage.usage().cpuNanoCores(), usage.usage().memoryBytes(), new Scratch());
        return object(node.name(), "", node.labels(), rest);
    }

    /** metadata (field 1) followed by {@code rest}, split at creationTimestamp's seconds. */
    private static Split object(String name, String namespace, Map<String, String> labels, ProtoBuffer rest) {
        Split meta = metadata(name, namespace, labels);
        ProtoBuffer tail = new ProtoBuffer(meta.tail().length + rest.size());
        tail.raw(meta.tail()).raw(rest.toByteArray());
        return new Split(meta.head(), tail.toByteArray());
    }

    /** An object's metadata as field 1, split at creationTimestamp's seconds. */
    static Split metadata(String name, String namespace, Map<String, String> labels) {
        ProtoBuffer metaHead = new ProtoBuffer(64);
        metaHead.string(1, name).string(2, "").string(3, namespace).string(4, "").string(5, "").string(6, "")
                .int64(7, 0);
        // creationTimestamp: Time{seconds (the hole), nanos 0}
        metaHead.tag(8, ProtoBuffer.LEN).varint(1 + NOW_BYTES + 2).raw(0x08);
        ProtoBuffer metaTail = new ProtoBuffer(64);
        metaTail.raw(0x10).raw(0x00);
        labels(metaTail, labels);
        int metaLength = metaHead.size() + NOW_BYTES + metaTail.size();
        ProtoBuffer head = new ProtoBuffer(metaHead.size() + 6);
        head.tag(1, ProtoBuffer.LEN).varint(metaLength).raw(metaHead.toByteArray());
        return new Split(head.toByteArray(), metaTail.toByteArray());
    }

    /** ObjectMeta.labels (field 11): one entry per label, keys sorted. */
    private static void labels(ProtoBuffer out, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return;
        }
        String[] keys = labels.keySet().toArray(new String[0]);
        if (!(labels instanceof SortedMap<?, ?>)) {
            Arrays.sort(keys);
        }
        ProtoBuffer entry = new ProtoBuffer(64);
        for (String k : keys) {
            entry.reset();
            entry.string(1, k).string(2, labels.get(k));
            out.message(11, entry);
        }
    }

    private static final byte[] CPU = "cpu".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MEMORY = "memory".getBytes(StandardCharsets.US_ASCII);

    /** A map<string, Quantity> field with cpu and memory (sorted keys), as upstream's usage. */
    private static void resources(ProtoBuffer out, int field, long cpuNanoCores, long memoryBytes, Scratch scratch) {
        quantityEntry(out, field, CPU, scratch.quantity, Quantities.cpu(cpuNanoCores, scratch.quantity), scratch.entry);
        quantityEntry(out, field, MEMORY, scratch.quantity, Quantities.memory(memoryBytes, scratch.quantity),
                scratch.entry);
    }

    private static void quantityEntry(ProtoBuffer out, int field, byte[] key, char[] q, int qLength, ProtoBuffer entry) {
        int quantityMessage = ProtoBuffer.fieldSize(qLength);
        entry.reset();
        entry.bytes(1, key, 0, key.length);
        entry.tag(2, ProtoBuffer.LEN).varint(quantityMessage).tag(1, ProtoBuffer.LEN).varint(qLength).ascii(q, qLength);
        out.message(field, entry);
    }

    /** metav1.Time: seconds and nanos 0; the zero time is an empty message. */
    static void time(ProtoBuffer out, int field, long epochNanos) {
        if (epochNanos == 0) {
            out.tag(field, ProtoBuffer.LEN).varint(0);
            return;
        }
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        out.tag(field, ProtoBuffer.LEN).varint(1 + ProtoBuffer.varintSize(seconds) + 2).int64(1, seconds).int64(2, 0);
    }

    /** metav1.Duration: nanoseconds. */
    static void duration(ProtoBuffer out, int field, long nanos) {
        out.tag(field, ProtoBuffer.LEN).varint(1 + ProtoBuffer.varintSize(nanos)).int64(1, nanos);
    }

    /**
     * Streams a list body: magic, Unknown{typeMeta, raw = List{metadata, items}}, with every item's
     * length known beforehand.
     */
    static final class ListWriter {

        private final OutputStream out;

        ListWriter(OutputStream out) {
            this.out = out;
        }

        /** @param itemsLength the sum of {@link #itemLength} over the items that follow */
        void start(String kind, long itemsLength) throws IOException {
            startEnvelope(out, kind, listLength(itemsLength));
            out.write(EMPTY_LIST_META);
        }

        static long itemLength(Split item) {
            return itemLength(item.length());
        }

        /** An item's bytes in the list: tag, length and the item itself of {@code length} bytes. */
        static long itemLength(int length) {
            return ProtoBuffer.fieldSize(length);
        }

        void item(Split item, byte[] now) throws IOException {
            ProtoBuffer prefix = new ProtoBuffer(6);
            prefix.tag(2, ProtoBuffer.LEN).varint(item.length());
            out.write(prefix.toByteArray());
            item.writeTo(out, now);
        }

        void end() throws IOException {
            out.write(ENVELOPE_END);
        }
    }

    /** Unknown.raw's length for a list whose items take {@code itemsLength} bytes. */
    static long listLength(long itemsLength) {
        return EMPTY_LIST_META.length + itemsLength;
    }

    /** The bytes before a list's items: magic, envelope start, empty ListMeta. */
    static void listStart(ProtoBuffer out, String kind, long itemsLength) {
        envelope(out, kind, listLength(itemsLength));
        out.raw(EMPTY_LIST_META);
    }

    /** The bytes after the last item of a list or after a single object. */
    static void end(ProtoBuffer out) {
        out.raw(ENVELOPE_END);
    }

    /** A single object body (get). */
    static void writeSingle(OutputStream out, String kind, Split object, byte[] now) throws IOException {
        startEnvelope(out, kind, object.length());
        object.writeTo(out, now);
        out.write(ENVELOPE_END);
    }

    private static void startEnvelope(OutputStream out, String kind, long rawLength) throws IOException {
        ProtoBuffer b = new ProtoBuffer(64);
        envelope(b, kind, rawLength);
        out.write(b.toByteArray());
    }

    private static void envelope(ProtoBuffer b, String kind, long rawLength) {
        ProtoBuffer typeMeta = new ProtoBuffer(48);
        typeMeta.string(1, MetricsWriter.GROUP_VERSION).string(2, kind);
        b.raw(MAGIC).message(1, typeMeta).tag(2, ProtoBuffer.LEN).varint(rawLength);
    }
}
