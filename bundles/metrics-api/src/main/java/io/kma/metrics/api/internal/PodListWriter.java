package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.PodUsageBuffer;
import io.kma.shared.time.GoDurations;

/**
 * Writes a PodMetricsList (JSON or Kubernetes protobuf) from each pod's metadata ({@link PodMetadataEncoder})
 * and the store's usage figures, written as bytes straight into one chunk
 * buffer that goes to the socket in large writes: no Jackson, no per-item strings or objects, no copy of
 * the whole body. The JSON is byte for byte what {@link MetricsWriter} streams; the protobuf what
 * {@link MetricsProto#pod} encodes. One instance per response; not thread-safe.
 */
final class PodListWriter {

    /** Bytes handed to the response stream at a time. */
    static final int CHUNK = 256 * 1024;

    private static final byte[] JSON_LIST_HEAD = ascii("{\"kind\":\"PodMetricsList\",\"apiVersion\":\""
            + MetricsWriter.GROUP_VERSION + "\",\"metadata\":{},\"items\":[");
    private static final byte[] JSON_LIST_END = ascii("]}\n");
    private static final byte[] NULL = ascii("null");
    private static final byte[] WINDOW = ascii(",\"window\":\"");
    private static final byte[] CONTAINERS = ascii("\",\"containers\":[");
    private static final byte[] CONTAINER_NAME = ascii("{\"name\":");
    private static final byte[] CPU = ascii(",\"usage\":{\"cpu\":\"");
    private static final byte[] MEMORY = ascii("\",\"memory\":\"");
    private static final byte[] CONTAINER_END = ascii("\"}}");
    private static final byte[] ITEM_END = ascii("]}");
    /** A list's item (List field 2), length-delimited. */
    private static final int ITEM_TAG = 2 << 3 | ProtoBuffer.LEN;
    /** Slots of the per-response caches of timestamp and window text (a power of two). */
    private static final int CACHED = 64;

    private final OutputStream out;
    private final PodMetadataEncoder metadata;
    private final ProtoBuffer buf = new ProtoBuffer(CHUNK + 8 * 1024);
    private final char[] quantity = new char[Quantities.MAX_CHARS];
    private final Rfc3339 times = new Rfc3339();
    // A list's items are sorted by name, not by node, so consecutive items alternate between the
    // 15-odd seconds of one resolution and a few dozen windows: direct-mapped caches of their text.
    private final long[] timeSeconds = new long[CACHED];
    private final byte[][] timeText = new byte[CACHED][];
    private final long[] windowNanos = new long[CACHED];
    private final byte[][] windowText = new byte[CACHED][];
    private byte[] jsonNow;
    private int jsonItems;

    PodListWriter(OutputStream out, Generators generators) {
        this.out = out;
        this.metadata = new PodMetadataEncoder(generators);
    }

    /** Starts a JSON PodMetricsList; creationTimestamp is {@code nowNanos} for every item, as upstream. */
    void jsonStart(long nowNanos) {
        jsonNow = ascii(times.formatNanos(nowNanos));
        jsonItems = 0;
        buf.raw(JSON_LIST_HEAD);
    }

    /** One item of the list: the pod's metadata, then its usage; handed to the stream in chunks. */
    void jsonItem(PodInfo pod, PodUsageBuffer usage) throws IOException {
        if (jsonItems++ > 0) {
            buf.raw(',');
        }
        metadata.json(buf, pod, jsonNow);
        jsonUsage(usage);
        if (buf.size() >= CHUNK) {
            buf.drainTo(out);
        }
    }

    void jsonEnd() throws IOException {
        buf.raw(JSON_LIST_END);
        buf.drainTo(out);
        out.flush();
    }

    /** The item after {@code "timestamp":}, as {@link MetricsWriter} writes it. */
    private void jsonUsage(PodUsageBuffer usage) {
        long ts = usage.timestampNanos();
        if (ts == 0) {
            buf.raw(NULL); // metav1.Time zero value
        } else {
            buf.raw('"').raw(time(ts)).raw('"');
        }
        buf.raw(WINDOW).raw(window(usage.windowNanos())).raw(CONTAINERS);
        for (int c = 0; c < usage.containers(); c++) {
            if (c > 0) {
                buf.raw(',');
            }
            buf.raw(CONTAINER_NAME);
            metadata.jsonQuoted(buf, usage.containerName(c));
            buf.raw(CPU).ascii(quantity, Quantities.cpu(usage.cpuNanoCores(c), quantity));
            buf.raw(MEMORY).ascii(quantity, Quantities.memory(usage.memoryBytes(c), quantity));
            buf.raw(CONTAINER_END);
        }
        buf.raw(ITEM_END);
    }

    private byte[] time(long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int slot = (int) second & (CACHED - 1); // consecutive seconds, distinct slots
        byte[] text = timeText[slot];
        if (text == null || timeSeconds[slot] != second) {
            text = ascii(times.formatSecond(second));
            timeText[slot] = text;
            timeSeconds[slot] = second;
        }
        return text;
    }

    private byte[] window(long nanos) {
        int slot = (int) ((nanos * 0x9E3779B97F4A7C15L) >>> 58); // Fibonacci hashing to 6 bits
        byte[] text = windowText[slot];
        if (text == null || windowNanos[slot] != nanos) {
            text = GoDurations.format(nanos).getBytes(StandardCharsets.UTF_8); // µs is not ASCII
            windowText[slot] = text;
            windowNanos[slot] = nanos;
        }
        return text;
    }

    /**
     * This writer's metadata encoder, for a measuring pass on the writer's thread ({@link
     * PodMetadataEncoder#protoBodyLength}: a pod's ObjectMeta body length in a protobuf list item).
     */
    PodMetadataEncoder metadata() {
        return metadata;
    }

    /** The bytes of a protobuf list item with these metadata body and usage lengths: tag, length, item. */
    static long protoItemLength(int metadataBodyLength, int usageLength) {
        return MetricsProto.ListWriter.itemLength(ProtoBuffer.fieldSize(metadataBodyLength) + usageLength);
    }

    /**
     * A protobuf PodMetricsList in one formatting pass: the envelope states the list's length first, so the
     * table's measuring pass counted each item's usage length arithmetically ({@link PodUsageEncoder#length})
     * before anything is written, each quantity formatted once here. The response stays chunked like the
     * JSON list: with a Content-Length it cost more CPU than JSON in back-to-back curl runs at 1,000 nodes
     * (testing/benchmarks/README.md).
     *
     * @param itemsLength the sum of {@link #protoItemLength} over the tables' rows
     * @param tables      the measured rows, written in this order
     * @return the body's length
     */
    long protobuf(long itemsLength, long nowNanos, PodTable... tables) throws IOException {
        byte[] now = MetricsProto.now(nowNanos);
        MetricsProto.listStart(buf, "PodMetricsList", itemsLength);
        long bodyLength = buf.size() + itemsLength + MetricsProto.END_BYTES;
        PodUsageEncoder encoder = new PodUsageEncoder();
        for (PodTable table : tables) {
            writeRows(table, encoder, now);
        }
        MetricsProto.end(buf);
        buf.drainTo(out);
        out.flush();
        return bodyLength;
    }

    private void writeRows(PodTable table, PodUsageEncoder encoder, byte[] now) throws IOException {
        for (int row = 0; row < table.rows(); row++) {
            int metadataBody = table.metadataBodyLength(row);
            int metadataLength = ProtoBuffer.fieldSize(metadataBody);
            int length = table.usageLength(row);
            buf.raw(ITEM_TAG).varint(metadataLength + length);
            int start = buf.size();
            metadata.proto(buf, table.pod(row), now, metadataBody);
            table.writeUsage(row, encoder, buf);
            if (buf.size() - start != metadataLength + length) { // a wrong length would corrupt every byte after it
                throw new IllegalStateException("a pod took " + (buf.size() - start) + " bytes, counted "
                        + (metadataLength + length));
            }
            if (buf.size() >= CHUNK) {
                buf.drainTo(out);
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
