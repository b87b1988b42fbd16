package io.kma.metrics.api.internal;

import static io.kma.metrics.api.internal.ProtoBuffer.fieldSize;

import java.nio.charset.StandardCharsets;

import io.kma.api.store.PodUsageBuffer;

/**
 * A PodMetrics' usage fields (timestamp, window, containers) in the list writer's single pass: the bytes of
 * {@link MetricsProto#podUsage}, but the length is counted arithmetically ({@link #length}, quantity lengths
 * without formatting them) so that the list's envelope can state it before anything is written, and
 * {@link #write} formats each quantity once, straight into the output, with no nested buffers to copy.
 * One per writer; not thread-safe.
 */
final class PodUsageEncoder {

    /** Container (PodMetrics field 4), length-delimited. */
    private static final int CONTAINER_TAG = 4 << 3 | ProtoBuffer.LEN;
    /** ContainerMetrics.usage (field 2): one map entry per resource. */
    private static final int USAGE_TAG = 2 << 3 | ProtoBuffer.LEN;
    /** A map entry's key (field 1) with its length and text. */
    private static final byte[] CPU_KEY = {0x0a, 3, 'c', 'p', 'u'};
    private static final byte[] MEMORY_KEY = {0x0a, 6, 'm', 'e', 'm', 'o', 'r', 'y'};
    /** The entry's value (field 2, a Quantity) and the Quantity's string (field 1). */
    private static final int VALUE_TAG = 2 << 3 | ProtoBuffer.LEN;
    private static final int STRING_TAG = 1 << 3 | ProtoBuffer.LEN;

    private final char[] cpu = new char[Quantities.MAX_CHARS];
    private final char[] memory = new char[Quantities.MAX_CHARS];

    /** The number of bytes {@link #write} writes for {@code usage}. */
    static int length(PodUsageBuffer usage) {
        long ts = usage.timestampNanos();
        int n = ts == 0 ? 2 : fieldSize(1 + ProtoBuffer.varintSize(Math.floorDiv(ts, 1_000_000_000L)) + 2);
        n += fieldSize(1 + ProtoBuffer.varintSize(usage.windowNanos()));
        for (int c = 0; c < usage.containers(); c++) {
            n += fieldSize(containerLength(usage.containerName(c), Quantities.cpuLength(usage.cpuNanoCores(c)),
                    Quantities.memoryLength(usage.memoryBytes(c))));
        }
        return n;
    }

    void write(ProtoBuffer out, PodUsageBuffer usage) {
        times(out, usage.timestampNanos(), usage.windowNanos());
        for (int c = 0; c < usage.containers(); c++) {
            container(out, usage.containerName(c), usage.cpuNanoCores(c), usage.memoryBytes(c));
        }
    }

    /** {@link #write}'s timestamp and window; then one {@link #container} per container. */
    void times(ProtoBuffer out, long timestampNanos, long windowNanos) {
        MetricsProto.time(out, 2, timestampNanos);
        MetricsProto.duration(out, 3, windowNanos);
    }

    void container(ProtoBuffer out, String name, long cpuNanoCores, long memoryBytes) {
        int cpuLength = Quantities.cpu(cpuNanoCores, cpu);
        int memoryLength = Quantities.memory(memoryBytes, memory);
        out.raw(CONTAINER_TAG).varint(containerLength(name, cpuLength, memoryLength)).string(1, name);
        entry(out, CPU_KEY, cpu, cpuLength);
        entry(out, MEMORY_KEY, memory, memoryLength);
    }

    private static void entry(ProtoBuffer out, byte[] key, char[] quantity, int length) {
        out.raw(USAGE_TAG).varint(entryLength(key, length)).raw(key)
                .raw(VALUE_TAG).varint(fieldSize(length)).raw(STRING_TAG).varint(length).ascii(quantity, length);
    }

    /** A ContainerMetrics' body: name (field 1), then the cpu and memory entries of usage (field 2). */
    private static int containerLength(String name, int cpuLength, int memoryLength) {
        return fieldSize(utf8Length(name)) + fieldSize(entryLength(CPU_KEY, cpuLength))
                + fieldSize(entryLength(MEMORY_KEY, memoryLength));
    }

    private static int entryLength(byte[] key, int quantityLength) {
        return key.length + fieldSize(fieldSize(quantityLength));
    }

    /** The bytes {@link ProtoBuffer#string} writes for {@code s} (null as empty). */
    static int utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                // not a Kubernetes name: count the way the encoder converts it
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
