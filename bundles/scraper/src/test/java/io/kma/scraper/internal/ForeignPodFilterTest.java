package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

class ForeignPodFilterTest {

    /** Pods by namespace/name, with the node the apiserver says each runs on. */
    static ClusterView pods(Map<String, String> nodeByPod) {
        return new ClusterView() {
            @Override
            public Collection<NodeInfo> nodes() {
                return List.of();
            }

            @Override
            public Optional<NodeInfo> node(String name) {
                return Optional.empty();
            }

            @Override
            public Collection<PodInfo> pods() {
                return List.of();
            }

            @Override
            public Collection<PodInfo> pods(String namespace) {
                return List.of();
            }

            @Override
            public Optional<PodInfo> pod(String namespace, String name) {
                String node = nodeByPod.get(namespace + "/" + name);
                return node == null ? Optional.empty()
                        : Optional.of(new PodInfo(namespace, name, Map.of(), null, node.isEmpty() ? null : node));
            }

            @Override
            public boolean nodesSynced() {
                return true;
            }

            @Override
            public boolean podsSynced() {
                return true;
            }
        };
    }

    static ContainerSample c(String ns, String pod, String container) {
        return new ContainerSample(ns, pod, container, new MetricPoint(1, 1, 1, 0));
    }

    @Test
    void podsOfAnotherNodeAreDroppedAndCountedPerReportingNode() {
        ForeignPodFilter f = new ForeignPodFilter(pods(Map.of("ns/own", "worker-1", "ns/theirs", "worker-2",
                "ns/unscheduled", "")));
        MetricPoint node = new MetricPoint(5, 5, 5, 0);
        NodeScrape in = new NodeScrape("worker-1", node, List.of(c("ns", "own", "a"), c("ns", "theirs", "a"),
                c("ns", "theirs", "b"), c("ns", "unknown", "a"), c("ns", "unscheduled", "a"), c("other", "theirs", "a")));
        NodeScrape out = f.keepOwn(in);
        assertEquals(List.of(c("ns", "own", "a"), c("ns", "unknown", "a"), c("ns", "unscheduled", "a"),
                c("other", "theirs", "a")), out.containers());
        assertSame(node, out.nodePoint());
        assertEquals(1, f.dropped().get("worker-1").sum(), "one pod (two containers) dropped");
        f.keepOwn(in);
        assertEquals(2, f.dropped().get("worker-1").sum());
    }

    @Test
    void aScrapeWithOnlyItsOwnPodsIsPassedThrough() {
        ForeignPodFilter f = new ForeignPodFilter(pods(Map.of("ns/own", "worker-1")));
        NodeScrape in = new NodeScrape("worker-1", null, List.of(c("ns", "own", "a")));
        assertSame(in, f.keepOwn(in));
        assertEquals(Map.of(), f.dropped());
    }
}
