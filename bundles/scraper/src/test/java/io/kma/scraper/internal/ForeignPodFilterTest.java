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

    /** Pods by namespace/name with their node, a version per node as the pod cache keeps it, lookups counted. */
    static final class VersionedPods implements ClusterView {
        final Map<String, PodInfo> pods = new java.util.HashMap<>();
        final Map<String, Long> versions = new java.util.HashMap<>();
        int lookups;
        long sequence = 1;
        boolean tracked = true;

        void put(String ns, String name, String node) {
            PodInfo old = pods.put(ns + "/" + name, new PodInfo(ns, name, Map.of(), null, node));
            if (old != null && old.nodeName() != null) {
                versions.put(old.nodeName(), ++sequence);
            }
            versions.put(node, ++sequence);
        }

        @Override
        public long podsOnNodeVersion(String node) {
            return tracked ? versions.getOrDefault(node, 1L) : 0;
        }

        @Override
        public java.util.Optional<PodInfo> pod(String namespace, String name) {
            lookups++;
            return java.util.Optional.ofNullable(pods.get(namespace + "/" + name));
        }

        @Override
        public java.util.Collection<io.kma.api.cluster.NodeInfo> nodes() {
            return List.of();
        }

        @Override
        public java.util.Optional<io.kma.api.cluster.NodeInfo> node(String name) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Collection<PodInfo> pods() {
            return pods.values();
        }

        @Override
        public java.util.Collection<PodInfo> pods(String namespace) {
            return List.of();
        }

        @Override
        public boolean nodesSynced() {
            return true;
        }

        @Override
        public boolean podsSynced() {
            return true;
        }
    }

    /** The same names as other String instances, as the parser's lossy intern cache may hand them. */
    static ContainerSample copy(ContainerSample c) {
        return new ContainerSample(new String(c.namespace()), new String(c.pod()), c.container(), c.point());
    }

    @Test
    void aNodeWhosePodsAreAllItsOwnIsNotLookedUpAgainUntilItsPodsChange() {
        VersionedPods cluster = new VersionedPods();
        cluster.put("ns", "p1", "worker-1");
        cluster.put("ns", "p2", "worker-1");
        ForeignPodFilter f = new ForeignPodFilter(cluster);
        List<ContainerSample> containers = List.of(c("ns", "p1", "a"), c("ns", "p1", "b"), c("ns", "p2", "a"));
        NodeScrape in = new NodeScrape("worker-1", null, containers);

        assertSame(in, f.keepOwn(in));
        assertEquals(2, cluster.lookups, "first scrape: one lookup per pod");
        NodeScrape again = new NodeScrape("worker-1", null, containers.stream().map(ForeignPodFilterTest::copy).toList());
        assertSame(again, f.keepOwn(again));
        assertEquals(2, cluster.lookups, "same pods, same version: no lookup");

        // p2 now runs on worker-2 (deleted and recreated there): the cache's change moves worker-1's version
        cluster.put("ns", "p2", "worker-2");
        NodeScrape out = f.keepOwn(again);
        assertEquals(4, cluster.lookups);
        assertEquals(List.of(c("ns", "p1", "a"), c("ns", "p1", "b")), out.containers());
        f.keepOwn(again);
        assertEquals(6, cluster.lookups, "a scrape with a foreign pod is never remembered");
    }

    @Test
    void otherPodsAnotherOrderAnUnknownPodOrAnUntrackedCacheAreLookedUp() {
        VersionedPods cluster = new VersionedPods();
        cluster.put("ns", "p1", "worker-1");
        cluster.put("ns", "p2", "worker-1");
        cluster.put("ns", "p3", "worker-2");
        ForeignPodFilter f = new ForeignPodFilter(cluster);
        f.keepOwn(new NodeScrape("worker-1", null, List.of(c("ns", "p1", "a"), c("ns", "p2", "a"))));
        int lookups = cluster.lookups;

        f.keepOwn(new NodeScrape("worker-1", null, List.of(c("ns", "p2", "a"), c("ns", "p1", "a"))));
        assertEquals(lookups + 2, cluster.lookups, "another order");
        NodeScrape withForeign = new NodeScrape("worker-1", null, List.of(c("ns", "p2", "a"), c("ns", "p1", "a"),
                c("ns", "p3", "a")));
        assertEquals(2, f.keepOwn(withForeign).containers().size(), "a pod added to the remembered ones is checked");
        assertEquals(lookups + 5, cluster.lookups);
        NodeScrape fewer = new NodeScrape("worker-1", null, List.of(c("ns", "p2", "a")));
        f.keepOwn(fewer);
        f.keepOwn(fewer);
        assertEquals(lookups + 6, cluster.lookups, "fewer pods: checked once, then remembered");

        NodeScrape unknown = new NodeScrape("worker-1", null, List.of(c("ns", "p1", "a"), c("ns", "new", "a")));
        assertSame(unknown, f.keepOwn(unknown));
        assertSame(unknown, f.keepOwn(unknown));
        assertEquals(lookups + 10, cluster.lookups, "a pod the cache does not know yet is never remembered");

        cluster.tracked = false;
        f.keepOwn(fewer);
        f.keepOwn(fewer);
        assertEquals(lookups + 12, cluster.lookups, "a cache without versions: every pod, every time");
    }

    @Test
    void aRemovedNodeIsForgotten() {
        VersionedPods cluster = new VersionedPods();
        cluster.put("ns", "p1", "worker-1");
        ForeignPodFilter f = new ForeignPodFilter(cluster);
        NodeScrape in = new NodeScrape("worker-1", null, List.of(c("ns", "p1", "a")));
        f.keepOwn(in);
        f.retain(java.util.Set.of("worker-2"));
        f.keepOwn(in);
        assertEquals(2, cluster.lookups);
    }
}
