package io.kma.api.store;

import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps the last two points per node and per container and turns them into usage figures
 * (DESIGN.md §2 "Storage and rates"). Each node's scrape is stored as soon as it arrives
 * ({@link #storeNode}), and {@link #endCycle} closes the cycle; reads are concurrent and cheap, and see
 * each node's newest data at once.
 */
@ProviderType
public interface MetricsStore {

    /** Stores one complete scrape cycle: {@link #storeNode} for each scraped node, then {@link #endCycle}. */
    void store(ScrapeBatch batch);

    /**
     * Stores one node's successful scrape now: that node's series and pods are updated in place and
     * readable at once. A second scrape of the same node before {@link #endCycle} is ignored.
     *
     * @since 1.1
     */
    void storeNode(NodeScrape scrape);

    /**
     * Closes a scrape cycle. Nodes stored since the previous call are current; failed nodes keep their
     * previous points for this one cycle (a second failure in a row drops them); every other node has left
     * the cluster (or the selection) and is pruned with its pods.
     *
     * @param failedNodes nodes that were meant to be scraped in this cycle but failed
     * @since 1.1
     */
    void endCycle(Set<String> failedNodes);

    /** Usage of a node, when it has two usable points. */
    Optional<NodeUsage> nodeUsage(String node);

    /** Usage of a pod, when every one of its current containers has two usable points. */
    Optional<PodUsage> podUsage(String namespace, String pod);

    /**
     * A handle on the pod's series, to read its usage repeatedly without a lookup by name
     * ({@link PodSeriesRef}); null when the store keeps no series for the pod. The default looks the pod up
     * on every read.
     *
     * @since 1.2
     */
    default PodSeriesRef podSeries(String namespace, String pod) {
        return new PodSeriesRef() {
            @Override
            public boolean read(PodUsageBuffer into) {
                into.clear();
                Optional<PodUsage> usage = podUsage(namespace, pod);
                if (usage.isEmpty()) {
                    return false;
                }
                into.time(usage.get().timestampNanos(), usage.get().windowNanos());
                for (ContainerUsage c : usage.get().containers()) {
                    into.addContainer(c.name(), c.usage().cpuNanoCores(), c.usage().memoryBytes());
                }
                return true;
            }

            @Override
            public boolean current() {
                return true;
            }
        };
    }

    /** Number of nodes with servable usage. */
    int nodeSeries();

    /** Number of containers with servable usage. */
    int containerSeries();

    /** True once at least one node and one pod have servable usage (upstream's readiness rule). */
    boolean ready();
}
