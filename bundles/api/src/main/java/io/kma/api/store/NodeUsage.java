package io.kma.api.store;

/**
 * A node's usage over the window between its last two points.
 *
 * @param name           node name
 * @param timestampNanos time of the later point (epoch nanoseconds)
 * @param windowNanos    time between the two points
 * @param usage          CPU rate and working set
 */
public record NodeUsage(String name, long timestampNanos, long windowNanos, Usage usage) {
}
