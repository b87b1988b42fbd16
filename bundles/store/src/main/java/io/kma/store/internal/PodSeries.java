package io.kma.store.internal;

import java.lang.invoke.VarHandle;
import java.util.List;

import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodSeriesRef;
import io.kma.api.store.PodUsage;
import io.kma.api.store.PodUsageBuffer;
import io.kma.api.store.Usage;

/**
 * A pod's containers with their point pairs, updated in place when its node's scrape arrives with the
 * same containers, replaced when the containers change. Its {@link PodUsage} is built when read, from the
 * pairs, instead of being kept: kept usage objects live one resolution, so at 350,000 pods they were copied
 * out of the young generation and filled the old one every cycle. Only the writer touches the pairs, inside
 * {@link #beginWrite}/{@link #endWrite} (a sequence lock); readers retry when a write overlapped their read.
 */
final class PodSeries implements PodSeriesRef {

    final String namespace;
    final String name;
    /** Container names, sorted, shared through the {@link StringInterner}. */
    final String[] containers;
    /** {@link PointPairs#WIDTH} longs per container, in the order of {@link #containers}. */
    final long[] pairs;
    /** The node that reported the pod last (to carry it over, and to detect a duplicate). */
    NodeSeries node;
    /** The cycle in which it was last stored (compared for equality only, so wrapping is harmless). */
    int cycle;
    /** Odd while the writer changes {@link #pairs} or {@link #served}. */
    private volatile int version;
    /** Containers with a usable rate; 0 when the pod is not served. */
    private volatile int served;
    /** True while the index maps the pod to this series; false for good once it was replaced or removed. */
    private volatile boolean indexed;

    PodSeries(String namespace, String name, String[] containers) {
        this.namespace = namespace;
        this.name = name;
        this.containers = containers;
        this.pairs = new long[containers.length * PointPairs.WIDTH];
    }

    /** Writer only: before changing the pairs. */
    void beginWrite() {
        version = version + 1;
        VarHandle.storeStoreFence(); // the odd version is visible before any changed pair
    }

    /** Writer only: after changing the pairs. */
    void endWrite() {
        version = version + 1;
    }

    /** Writer only (inside a write, or to stop serving the pod). */
    void served(int containers) {
        served = containers;
    }

    int servedContainers() {
        return served;
    }

    /** Writer only: the index now maps the pod to this series ({@code true}), or no longer does. */
    void indexed(boolean indexed) {
        this.indexed = indexed;
    }

    @Override
    public boolean current() {
        return indexed;
    }

    /** The pod's usage now into {@code into}, without creating an object: the list path's read. */
    @Override
    public boolean read(PodUsageBuffer into) {
        for (int attempt = 0;; attempt++) {
            int v = version;
            if ((v & 1) == 0) {
                boolean read = served != 0 && readInto(this, into);
                VarHandle.loadLoadFence(); // the pairs were read before the version is checked again
                if (version == v) {
                    if (!read) {
                        into.clear();
                    }
                    return read;
                }
            }
            // A write of one pod takes well under a microsecond; yield if the writer was descheduled.
            if (attempt < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** The pod's usage now, or null when it is not served: {@link #read} into a buffer of its own. */
    PodUsage usage() {
        PodUsageBuffer b = new PodUsageBuffer();
        if (!read(b)) {
            return null;
        }
        ContainerUsage[] containers = new ContainerUsage[b.containers()];
        for (int c = 0; c < containers.length; c++) {
            containers[c] = new ContainerUsage(b.containerName(c), new Usage(b.cpuNanoCores(c), b.memoryBytes(c)));
        }
        return new PodUsage(namespace, name, b.timestampNanos(), b.windowNanos(), List.of(containers));
    }

    /**
     * Containers with a usable rate, or 0 when a container has no previous point or none is usable.
     * Containers whose counter went down are left out (never an empty container list).
     */
    static int servable(long[] pairs, int containers) {
        for (int c = 0; c < containers; c++) {
            if (!PointPairs.hasPrev(pairs, c * PointPairs.WIDTH)) {
                return 0;
            }
        }
        int n = 0;
        for (int c = 0; c < containers; c++) {
            if (PointPairs.rateOf(pairs, c * PointPairs.WIDTH) >= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The usage of the served containers into {@code into}. Timestamp and window come from the served container
     * with the earliest last point, as upstream. May see a torn write; the caller then discards it.
     */
    private static boolean readInto(PodSeries series, PodUsageBuffer into) {
        String[] containers = series.containers;
        long[] pairs = series.pairs;
        into.clear();
        long timestamp = 0;
        long window = 0;
        for (int c = 0; c < containers.length; c++) {
            int off = c * PointPairs.WIDTH;
            long cpu = PointPairs.rateOf(pairs, off);
            if (cpu < 0) {
                continue;
            }
            into.addContainer(containers[c], cpu, pairs[off + PointPairs.LAST_MEM]);
            long lastT = pairs[off + PointPairs.LAST_T];
            if (into.containers() == 1 || lastT < timestamp) {
                timestamp = lastT;
                window = PointPairs.window(pairs, off);
            }
        }
        into.time(timestamp, window);
        return into.containers() > 0;
    }
}
