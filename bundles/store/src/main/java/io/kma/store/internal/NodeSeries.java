package io.kma.store.internal;

import io.kma.api.store.NodeUsage;

/**
 * A node's last two points and the usage computed from them when the snapshot was built.
 *
 * @param pair  the point pair (see {@link PointPairs})
 * @param usage the servable usage, or null when the node has no usable previous point
 */
record NodeSeries(long[] pair, NodeUsage usage) {
}
