package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
final class ForeignPodFilter {

    private final ClusterView cluster;
    private final Map<String, LongAdder> dropped;

    /** @param dropped reporting node → pods dropped, shared across cycles (the self-metric) */
    ForeignPodFilter(ClusterView cluster, Map<String, LongAdder> dropped) {
        this.cluster = cluster;
        this.dropped = dropped;
    }

    ForeignPodFilter(ClusterView cluster) {
        this(cluster, new ConcurrentHashMap<>());
    }

    NodeScrape keepOwn(NodeScrape scrape) {
        List<ContainerSample> kept = null;
        String lastPod = null;
        String lastNamespace = null;
        boolean lastForeign = false;
        int foreignPods = 0;
        List<ContainerSample> in = scrape.containers();
        for (int i = 0; i < in.size(); i++) {
            ContainerSample c = in.get(i);
            if (!c.pod().equals(lastPod) || !c.namespace().equals(lastNamespace)) {
                lastPod = c.pod();
                lastNamespace = c.namespace();
                lastForeign = isForeign(scrape.node(), cluster.pod(c.namespace(), c.pod()));
                if (lastForeign) {
                    foreignPods++;
                }
            }
            if (lastForeign && kept == null) {
                kept = new ArrayList<>(in.subList(0, i));
            } else if (!lastForeign && kept != null) {
                kept.add(c);
            }
        }
        if (kept == null) {
            return scrape;
        }
        dropped.computeIfAbsent(scrape.node(), n -> new LongAdder()).add(foreignPods);
        return new NodeScrape(scrape.node(), scrape.nodePoint(), kept);
    }

    private static boolean isForeign(String node, Optional<PodInfo> pod) {
        return pod.isPresent() && pod.get().nodeName() != null && !pod.get().nodeName().equals(node);
    }

    Map<String, LongAdder> dropped() {
        return dropped;
    }
}
