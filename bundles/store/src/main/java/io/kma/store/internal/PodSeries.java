package io.kma.store.internal;

import io.kma.api.store.PodUsage;

/**
 * A pod's containers with their point pairs, updated in place when its node's scrape arrives with the
 * same containers, replaced when the containers change. Only the writer touches the mutable fields;
 * readers see {@link #usage} (immutable, volatile).
 */
final class PodSeries {

    final String namespace;
    final String name;
    /** Container names, sorted, shared through the {@link StringInterner}. */
    final String[] containers;
    /** {@link PointPairs#WIDTH} longs per container, in the order of {@link #containers}. */
    final long[] pairs;
    /** The node that reported the pod last (to carry it over, and to detect a duplicate). */
    NodeSeries node;
    /** The cycle in which it was last stored. */
    long cycle;
    volatile PodUsage usage;

    PodSeries(String namespace, String name, String[] containers) {
        this.namespace = namespace;
        this.name = name;
        this.containers = containers;
        this.pairs = new long[containers.length * PointPairs.WIDTH];
    }

    PodUsage usage() {
        return usage;
    }

    int servedContainers() {
        PodUsage u = usage;
        return u == null ? 0 : u.containers().size();
    }
}
