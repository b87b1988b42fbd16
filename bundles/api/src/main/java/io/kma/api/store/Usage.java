package io.kma.api.store;

/**
 * Resource usage as the Metrics API reports it.
 *
 * @param cpuNanoCores CPU rate in nanocores
 * @param memoryBytes  working set in bytes
 */
public record Usage(long cpuNanoCores, long memoryBytes) {
}
