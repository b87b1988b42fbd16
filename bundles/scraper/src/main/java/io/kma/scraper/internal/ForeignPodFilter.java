package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerSample;
import io.kma.api.store.NodeScrape;

/**
 * A kubelet speaks only for the pods of its own node: containers of a pod whose {@code spec.nodeName} (as the
 * pod cache knows it) is another node are dropped from that kubelet's scrape and counted per reporting node.
 * Pods the cache does not know (not Running yet, or the cache not synced) are kept: the store shows only
 * pods the cache knows anyway.
 *
 * <p>Looking every pod up costs a few cache misses each (350,000 per cycle at 5,000 nodes: ~12 % of the scrape
 * threads' samples). So when every pod of a node's scrape was the cache's and on that node, the filter remembers
 * those pods with the cache's {@link ClusterView#podsOnNodeVersion version} for the node: the next scrape with the
 * same pods, in the same order, passes without lookups while that version stays. A pod could only have become
 * another node's through a change of the cache's pods on this node, which changes the version.
 */
final class ForeignPodFilter {

    private final ClusterView cluster;
    private final Map<String, LongAdder> dropped;
    /** Node → its pods as last found all its own; dropped for nodes that leave the cluster ({@link #retain}). */
    private final Map<String, OwnPods> own = new ConcurrentHashMap<>();

    /**
     * A node's pods (namespace and name of each, in scrape order) found all its own at a pod cache version. Compared
     * by content: the parser's intern cache is lossy, so the same name may come as another String.
     */
    private record OwnPods(long version, String[] namespaceAndName) {

        boolean same(List<ContainerSample> in) {
            String[] pods = namespaceAndName;
            int at = 0;
            String lastPod = null;
            String lastNamespace = null;
            for (int i = 0; i < in.size(); i++) {
                ContainerSample c = in.get(i);
                if (c.pod().equals(lastPod) && c.namespace().equals(lastNamespace)) {
                    continue; // the pod's next container
                }
                lastPod = c.pod();
                lastNamespace = c.namespace();
                if (at == pods.length || !lastNamespace.equals(pods[at]) || !lastPod.equals(pods[at + 1])) {
                    return false;
                }
                at += 2;
            }
            return at == pods.length;
        }
    }

    /** @param dropped reporting node → pods dropped, shared across cycles (the self-metric) */
    ForeignPodFilter(ClusterView cluster, Map<String, LongAdder> dropped) {
        this.cluster = cluster;
        this.dropped = dropped;
    }

    ForeignPodFilter(ClusterView cluster) {
        this(cluster, new ConcurrentHashMap<>());
    }

    NodeScrape keepOwn(NodeScrape scrape) {
        String node = scrape.node();
        List<ContainerSample> in = scrape.containers();
        long version = cluster.podsOnNodeVersion(node); // before the pods: see ClusterView
        OwnPods known = own.get(node);
        if (version != 0 && known != null && known.version() == version && known.same(in)) {
            return scrape;
        }
        List<ContainerSample> kept = null;
        String lastPod = null;
        String lastNamespace = null;
        boolean lastForeign = false;
        int foreignPods = 0;
        // namespace and name of each pod while all are known to be this node's; null once one is not
        List<String> allOwn = version != 0 ? new ArrayList<>() : null;
        for (int i = 0; i < in.size(); i++) {
            ContainerSample c = in.get(i);
            if (!c.pod().equals(lastPod) || !c.namespace().equals(lastNamespace)) {
                lastPod = c.pod();
                lastNamespace = c.namespace();
                Optional<PodInfo> pod = cluster.pod(c.namespace(), c.pod());
                lastForeign = isForeign(node, pod);
                if (lastForeign) {
                    foreignPods++;
                }
                if (allOwn != null) {
                    if (pod.isPresent() && node.equals(pod.get().nodeName())) {
                        allOwn.add(lastNamespace);
                        allOwn.add(lastPod);
                    } else {
                        allOwn = null;
                    }
                }
            }
            if (lastForeign && kept == null) {
                kept = new ArrayList<>(in.subList(0, i));
            } else if (!lastForeign && kept != null) {
                kept.add(c);
            }
        }
        if (allOwn != null) {
            own.put(node, new OwnPods(version, allOwn.toArray(new String[0])));
        } else if (known != null) {
            own.remove(node);
        }
        if (kept == null) {
            return scrape;
        }
        dropped.computeIfAbsent(node, n -> new LongAdder()).add(foreignPods);
        return new NodeScrape(node, scrape.nodePoint(), kept);
    }

    /** Whether this filter reads {@code cluster} and counts into {@code dropped}. */
    boolean uses(ClusterView cluster, Map<String, LongAdder> dropped) {
        return this.cluster == cluster && this.dropped == dropped;
    }

    /** Forgets what it remembered of nodes not in {@code nodes}. */
    void retain(Set<String> nodes) {
        own.keySet().retainAll(nodes);
    }

    private static boolean isForeign(String node, Optional<PodInfo> pod) {
        return pod.isPresent() && pod.get().nodeName() != null && !pod.get().nodeName().equals(node);
    }

    Map<String, LongAdder> dropped() {
        return dropped;
    }
}
