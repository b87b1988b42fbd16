package io.kma.store.internal;

import io.kma.api.store.MetricPoint;

/**
 * The storage rules of DESIGN.md §2 and upstream metrics-server's {@code pkg/storage} (§3 of the
 * upstream survey), applied to a "point pair" — the last and previous point of one node or container
 * — kept as eight consecutive longs in a long[] so that no object exists per point.
 *
 * <p>Layout from the pair's offset: last timestamp, last cpu, last memory, last start time, then the
 * previous point's timestamp, cpu and start time. The previous memory is not kept: usage serves the last
 * point's memory, and the rate needs only the previous cpu, timestamp and start time (7 longs instead of 8:
 * 16 bytes less per two-container pod, ~5.6 MB at 350,000 pods). A pair without a previous point has
 * {@link #NO_PREV} as previous timestamp.
 */
final class PointPairs {

    static final int WIDTH = 7;
    static final int LAST_T = 0;
    static final int LAST_CPU = 1;
    static final int LAST_MEM = 2;
    static final int LAST_START = 3;
    static final int PREV_T = 4;
    static final int PREV_CPU = 5;
    static final int PREV_START = 6;

    /** Previous timestamp of a pair that has no previous point. */
    static final long NO_PREV = Long.MIN_VALUE;

    /** Upstream's freshContainerMinMetricsResolution: a synthetic previous point is at least this old. */
    static final long FRESH_CONTAINER_MIN_NANOS = 10_000_000_000L;

    /** {@link #rateOf} result: the pair has no previous point. */
    static final long NO_RATE = -1;

    /** {@link #rateOf} result: the cpu counter or the start time went down (a restart seen late). */
    static final long DECREASED = -2;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PointPairs() {
    }

    /**
     * Writes the pair that results from storing {@code x} over the old pair.
     *
     * @param old         the old pairs, or null when the series was not stored before
     * @param oldOffset   offset of the old pair in {@code old}
     * @param x           the new point
     * @param container   true for a container (start-time rules apply), false for a node
     * @param resolutionNanos the scrape resolution, bounding the fresh-container rule
     * @param dst         where to write the new pair; may be {@code old} at the same offset (in place)
     * @param dstOffset   offset of the new pair in {@code dst}
     */
    static void store(long[] old, int oldOffset, MetricPoint x, boolean container, long resolutionNanos,
            long[] dst, int dstOffset) {
        // Read the old pair first: dst may be old itself (an update in place).
        boolean hasOld = old != null;
        long lastT = hasOld ? old[oldOffset + LAST_T] : 0;
        long lastCpu = hasOld ? old[oldOffset + LAST_CPU] : 0;
        long lastStart = hasOld ? old[oldOffset + LAST_START] : 0;
        long prevT = hasOld ? old[oldOffset + PREV_T] : NO_PREV;
        long prevCpu = hasOld ? old[oldOffset + PREV_CPU] : 0;
        long prevStart = hasOld ? old[oldOffset + PREV_START] : 0;
        long t = x.timestampNanos();
        long s = x.startTimeNanos();
        dst[dstOffset + LAST_T] = t;
        dst[dstOffset + LAST_CPU] = x.cpuNanoSeconds();
        dst[dstOffset + LAST_MEM] = x.memoryBytes();
        dst[dstOffset + LAST_START] = s;
        long age = t - s;
        if (container && s < t && age >= FRESH_CONTAINER_MIN_NANOS && age < resolutionNanos) {
            // A container younger than one resolution: its start is a known point with cpu 0, so
            // it is served from its first scrape (this also covers a restart seen in this scrape).
            setPrev(dst, dstOffset, s, 0, s);
        } else if (hasOld && (!container || s < lastT)) {
            // Same node, or same container instance: it started before the stored last point.
            if (t > lastT) {
                setPrev(dst, dstOffset, lastT, lastCpu, lastStart);
            } else if (prevT != NO_PREV && prevT < t) {
                // Out of order but newer than the previous point: keep the previous point.
                setPrev(dst, dstOffset, prevT, prevCpu, prevStart);
            } else {
                dst[dstOffset + PREV_T] = NO_PREV;
            }
        } else {
            // First sighting, or a new container instance: one point is not a rate yet.
            dst[dstOffset + PREV_T] = NO_PREV;
        }
    }

    private static void setPrev(long[] dst, int off, long t, long cpu, long start) {
        dst[off + PREV_T] = t;
        dst[off + PREV_CPU] = cpu;
        dst[off + PREV_START] = start;
    }

    static boolean hasPrev(long[] pairs, int offset) {
        return pairs[offset + PREV_T] != NO_PREV;
    }

    /**
     * CPU rate in nanocores over the pair, computed as upstream does
     * ({@code uint64(float64(C(L)−C(P)) / window.Seconds())}, truncated).
     *
     * @return the rate, {@link #NO_RATE} without a previous point, {@link #DECREASED} when the start
     *         time or the cpu counter went down
     */
    static long rateOf(long[] pairs, int off) {
        long prevT = pairs[off + PREV_T];
        if (prevT == NO_PREV) {
            return NO_RATE;
        }
        if (pairs[off + LAST_START] < pairs[off + PREV_START]
                || pairs[off + LAST_CPU] < pairs[off + PREV_CPU]) {
            return DECREASED;
        }
        long window = pairs[off + LAST_T] - prevT;
        if (window <= 0) {
            // Cannot happen by construction; never divide by zero or serve a negative window.
            return NO_RATE;
        }
        return (long) ((double) (pairs[off + LAST_CPU] - pairs[off + PREV_CPU]) / goSeconds(window));
    }

    /** Go's {@code time.Duration.Seconds()}, bit for bit. */
    static double goSeconds(long nanos) {
        long sec = nanos / NANOS_PER_SECOND;
        long nsec = nanos % NANOS_PER_SECOND;
        return (double) sec + (double) nsec / 1e9;
    }

    static long window(long[] pairs, int off) {
        return pairs[off + LAST_T] - pairs[off + PREV_T];
    }
}
