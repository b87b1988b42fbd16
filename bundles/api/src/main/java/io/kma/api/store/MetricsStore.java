package io.kma.api.store;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps the last two points per node and per container and turns them into usage figures
 * (DESIGN.md §2 "Storage and rates"). Writes happen once per scrape cycle; reads are concurrent and
 * cheap.
 */
@ProviderType
public interface MetricsStore {

    /** Stores one complete scrape cycle. */
    void store(ScrapeBatch batch);

    /** Usage of a node, when it has two usable points. */
    Optional<NodeUsage> nodeUsage(String node);

    /** Usage of a pod, when every one of its current containers has two usable points. */
    Optional<PodUsage> podUsage(String namespace, String pod);

    /** Number of nodes with servable usage. */
    int nodeSeries();

    /** Number of containers with servable usage. */
    int containerSeries();

    /** True once at least one node and one pod have servable usage (upstream's readiness rule). */
    boolean ready();
}
