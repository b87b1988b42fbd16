package io.kma.store.internal;

import java.util.ArrayList;
import java.util.List;

import io.kma.api.store.NodeUsage;

/**
 * One node's state, updated in place each time its scrape arrives: its own point pair and the pods it
 * reported. Only the writer touches the mutable fields; readers see {@link #usage} (immutable, volatile).
 */
final class NodeSeries {

    final String name;
    /** The node's own point pair ({@link PointPairs}), or null when its last scrape had no node point. */
    long[] pair;
    volatile NodeUsage usage;
    /** The pods this node reported in its last stored scrape (and still owns). */
    List<PodSeries> pods = new ArrayList<>();
    /** The cycle in which it was last stored (compared for equality only, so wrapping is harmless). */
    int cycle;
    /** True while a failed scrape is being bridged with the previous points. */
    boolean carried;

    NodeSeries(String name) {
        this.name = name;
    }

    NodeUsage usage() {
        return usage;
    }

    int servablePods() {
        int n = 0;
        for (PodSeries p : pods) {
            n += p.servedContainers() == 0 ? 0 : 1;
        }
        return n;
    }
}
