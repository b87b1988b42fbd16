package io.kma.api.store;

/**
 * One sample of a node or a container as scraped from the kubelet.
 *
 * @param timestampNanos    sample time, Unix epoch nanoseconds
 * @param cpuNanoSeconds    cumulative CPU used, in nanocore-seconds (core-seconds × 1e9)
 * @param memoryBytes       working set, bytes
 * @param startTimeNanos    container start time, Unix epoch nanoseconds; 0 when unknown (always 0 for nodes)
 */
public record MetricPoint(long timestampNanos, long cpuNanoSeconds, long memoryBytes, long startTimeNanos) {
}
