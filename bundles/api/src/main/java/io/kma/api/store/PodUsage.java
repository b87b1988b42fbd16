package io.kma.api.store;

import java.util.List;

/**
 * A pod's usage. Timestamp and window are those of the container whose last point is earliest, as
 * upstream metrics-server reports them.
 *
 * @param namespace      namespace
 * @param name           pod name
 * @param timestampNanos epoch nanoseconds
 * @param windowNanos    window in nanoseconds
 * @param containers     containers sorted by name; never empty
 */
public record PodUsage(String namespace, String name, long timestampNanos, long windowNanos,
        List<ContainerUsage> containers) {
}
