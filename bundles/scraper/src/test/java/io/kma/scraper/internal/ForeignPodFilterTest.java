package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

class ForeignPodFilterTest {

    /** Pods by namespace/name, with the node the apiserver says each runs on ("" when not scheduled). */
    static ClusterView pods(Map<String, String> nodeByPod) {
        Map<String, PodInfo> pods = new java.util.HashMap<>();
        nodeByPod.forEach((key, node) -> {
            String[] nsName = key.split("/", 2);
            pods.put(key, new PodInfo(nsName[0], nsName[1], Map.of(), null, node.isEmpty() ? null : node));
        });
        return ScraperComponentTest.cluster(List.of(), true, pods);
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
