package io.kma.api.store;

import java.util.Arrays;

/**
 * A pod's usage read into reusable storage ({@link PodSeriesRef#read}), so that a list of 350,000 pods
 * reads every pod's figures without creating an object per pod. Holds the same figures as a
 * {@link PodUsage}: timestamp and window of the pod, and per container (sorted by name) its name, CPU rate
 * and working set. Not thread-safe: one per reader.
 *
 * @since 1.2
 */
public final class PodUsageBuffer {

    private long timestampNanos;
    private long windowNanos;
    private int containers;
    private String[] names = new String[4];
    private long[] cpuNanoCores = new long[4];
    private long[] memoryBytes = new long[4];

    /** Empties the buffer: no containers, timestamp and window 0. */
    public void clear() {
        timestampNanos = 0;
        windowNanos = 0;
        Arrays.fill(names, 0, containers, null); // no reference to a dropped series' names outlives a read
        containers = 0;
    }

    /** Sets the pod's timestamp (epoch nanoseconds; 0 for the zero time) and window (nanoseconds). */
    public void time(long timestampNanos, long windowNanos) {
        this.timestampNanos = timestampNanos;
        this.windowNanos = windowNanos;
    }

    /** Appends a container; callers append in name order. */
    public void addContainer(String name, long cpuNanoCores, long memoryBytes) {
        if (containers == names.length) {
            int grown = containers * 2;
            names = Arrays.copyOf(names, grown);
            this.cpuNanoCores = Arrays.copyOf(this.cpuNanoCores, grown);
            this.memoryBytes = Arrays.copyOf(this.memoryBytes, grown);
        }
        names[containers] = name;
        this.cpuNanoCores[containers] = cpuNanoCores;
        this.memoryBytes[containers] = memoryBytes;
        containers++;
    }

    /** Epoch nanoseconds of the pod's sample, as {@link PodUsage#timestampNanos()}. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** As {@link PodUsage#windowNanos()}. */
    public long windowNanos() {
        return windowNanos;
    }

    /** Number of containers; 0 when the buffer is empty. */
    public int containers() {
        return containers;
    }

    public String containerName(int container) {
        return names[check(container)];
    }

    /** CPU rate of the container in nanocores. */
    public long cpuNanoCores(int container) {
        return cpuNanoCores[check(container)];
    }

    /** Working set of the container in bytes. */
    public long memoryBytes(int container) {
        return memoryBytes[check(container)];
    }

    private int check(int container) {
        if (container < 0 || container >= containers) {
            throw new IndexOutOfBoundsException("container " + container + " of " + containers);
        }
        return container;
    }
}
