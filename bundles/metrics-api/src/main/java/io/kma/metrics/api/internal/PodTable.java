package io.kma.metrics.api.internal;

import java.lang.ref.WeakReference;
import java.util.Arrays;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.PodUsageBuffer;

/**
 * The pods of one protobuf list as read in its measuring pass: each pod, the lengths of its metadata and of
 * its usage fields, and its usage figures, in a few flat arrays (no object per pod). The writing pass writes exactly
 * these figures, so a scrape stored between the two passes cannot make an item differ from the length the
 * envelope already stated. Used by one response at a time ({@link #clear()} between them); not thread-safe.
 *
 * <p>A kept table (the full lists') also remembers each pod's metadata length between lists, by its index in
 * the pairing of pods and store handles ({@link PodHandles}): a pod's ObjectMeta (name, namespace, labels) does
 * not change between samples, so a list measures only the pods it has not seen (the measuring pass is what
 * delays the first byte). When the pairing is rebuilt (pods came or went) the lengths of the pods that are the
 * same objects are carried over by its merge walk. The pairing is held weakly: the responder holds the current
 * one, and a table kept for later must not keep a replaced pairing's 350,000 pods and handles alive.
 */
final class PodTable {

    private PodInfo[] pods;
    private int[] metadataLengths;
    private long[] timestamps;
    private long[] windows;
    private int[] usageLengths;
    /** Row r's containers are {@code [firstContainer[r], firstContainer[r + 1])}. */
    private int[] firstContainer;
    private String[] names;
    private long[] cpu;
    private long[] memory;
    private int rows;
    private int containers;
    /** Per index of {@link #lengthsOf}'s pairing: its pod's ObjectMeta body length, 0 while not measured. */
    private int[] knownMetadata = new int[0];
    private WeakReference<PodHandles> lengthsOf = new WeakReference<>(null);

    PodTable(int expectedRows) {
        int n = Math.max(16, expectedRows);
        pods = new PodInfo[n];
        metadataLengths = new int[n];
        timestamps = new long[n];
        windows = new long[n];
        usageLengths = new int[n];
        firstContainer = new int[n + 1];
        names = new String[2 * n];
        cpu = new long[2 * n];
        memory = new long[2 * n];
    }

    int rows() {
        return rows;
    }

    /** Empties the table for another list, keeping its arrays and dropping its references to pods and names. */
    void clear() {
        Arrays.fill(pods, 0, rows, null);
        Arrays.fill(names, 0, containers, null);
        rows = 0;
        containers = 0;
    }

    /**
     * Makes {@link #knownMetadataLength} answer for {@code pairing}'s indices, carrying over what the previous
     * pairing's pods had when they are the same objects (a pod whose labels changed is a new object).
     */
    void pairWith(PodHandles pairing) {
        PodHandles previous = lengthsOf.get();
        if (previous == pairing) {
            return;
        }
        int[] known = new int[pairing.size()];
        if (previous != null) {
            int[] old = knownMetadata;
            PodHandles.forSamePods(previous, pairing, (from, to) -> known[to] = old[from]);
        }
        knownMetadata = known;
        lengthsOf = new WeakReference<>(pairing);
    }

    /** The ObjectMeta body length remembered for the pod at {@code index} of the paired pairing, 0 when unknown. */
    int knownMetadataLength(int index) {
        return knownMetadata[index];
    }

    void rememberMetadataLength(int index, int bodyLength) {
        knownMetadata[index] = bodyLength;
    }

    /** Appends a pod; the usage buffer is copied, not kept. */
    void add(PodInfo pod, int metadataBodyLength, PodUsageBuffer usage, int usageLength) {
        if (rows == pods.length) {
            int grown = rows * 2;
            pods = Arrays.copyOf(pods, grown);
            metadataLengths = Arrays.copyOf(metadataLengths, grown);
            timestamps = Arrays.copyOf(timestamps, grown);
            windows = Arrays.copyOf(windows, grown);
            usageLengths = Arrays.copyOf(usageLengths, grown);
            firstContainer = Arrays.copyOf(firstContainer, grown + 1);
        }
        int n = usage.containers();
        if (containers + n > names.length) {
            int grown = Math.max(names.length * 2, containers + n);
            names = Arrays.copyOf(names, grown);
            cpu = Arrays.copyOf(cpu, grown);
            memory = Arrays.copyOf(memory, grown);
        }
        pods[rows] = pod;
        metadataLengths[rows] = metadataBodyLength;
        timestamps[rows] = usage.timestampNanos();
        windows[rows] = usage.windowNanos();
        usageLengths[rows] = usageLength;
        for (int c = 0; c < n; c++) {
            names[containers] = usage.containerName(c);
            cpu[containers] = usage.cpuNanoCores(c);
            memory[containers] = usage.memoryBytes(c);
            containers++;
        }
        rows++;
        firstContainer[rows] = containers;
    }

    PodInfo pod(int row) {
        return pods[row];
    }

    /** The pod's ObjectMeta body length (without PodMetrics field 1's tag and length). */
    int metadataBodyLength(int row) {
        return metadataLengths[row];
    }

    int usageLength(int row) {
        return usageLengths[row];
    }

    /**
     * Writes row {@code row}'s usage fields straight from the table's arrays: the bytes {@link PodUsageEncoder#write}
     * writes for the usage this row was added from, without copying the row back into a buffer (~7 % of a full
     * protobuf list's CPU in process).
     */
    void writeUsage(int row, PodUsageEncoder encoder, ProtoBuffer out) {
        encoder.times(out, timestamps[row], windows[row]);
        for (int c = firstContainer[row]; c < firstContainer[row + 1]; c++) {
            encoder.container(out, names[c], cpu[c], memory[c]);
        }
    }
}
