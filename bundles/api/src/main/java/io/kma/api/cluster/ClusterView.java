package io.kma.api.cluster;

import java.util.Collection;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster as seen through list+watch caches of kube-apiserver: all nodes and the metadata of
 * the pods whose phase is Running. Reads are cheap and never block on the network; a dropped watch
 * keeps the last known state.
 */
@ProviderType
public interface ClusterView {

    /** All nodes, sorted by name. */
    Collection<NodeInfo> nodes();

    Optional<NodeInfo> node(String name);

    /** All Running pods, sorted by namespace, then name. */
    Collection<PodInfo> pods();

    /** Running pods of one namespace, sorted by name. */
    Collection<PodInfo> pods(String namespace);

    Optional<PodInfo> pod(String namespace, String name);

    /**
     * A number that changes whenever the pod cache gains, loses or changes a Running pod whose node is
     * {@code node}, and at every relist (and at other times). Read it before reading pods: while later calls return
     * the same non-zero number, the cache's pods on that node have not changed since just before the first call, so
     * what was read then still holds. 0: not tracked, never to be relied on.
     *
     * @since 2.1
     */
    default long podsOnNodeVersion(String node) {
        return 0;
    }

    /**
     * Lets the pod cache make its first list now, if it still holds it back; later calls do nothing. The pod cache may
     * hold its first list back until this is called (for a bounded time): listing every pod of a large cluster (350,000
     * at 5,000 nodes) takes seconds of CPU that a scraper's first scrapes, a TLS handshake with every kubelet, need more,
     * and no pod is served before its node's second scrape anyway. A scraper calls it once every node has been scraped
     * once (or when it cannot scrape at all).
     *
     * @since 2.2
     */
    default void releasePodList() {
    }

    /** True once the node cache has completed its first list. */
    boolean nodesSynced();

    /** True once the pod metadata cache has completed its first list. */
    boolean podsSynced();
}
