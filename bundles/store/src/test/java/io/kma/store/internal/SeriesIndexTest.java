package io.kma.store.internal;

import static io.kma.store.internal.Batches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;

/** The in-place series: what is kept, reused, replaced and dropped from one scrape to the next. */
class SeriesIndexTest {

    private final InMemoryMetricsStore store = new InMemoryMetricsStore(15_000);
    private final SeriesIndex index = store.index();

    /** Stores a batch and returns the counters the cycle's log line reports. */
    private int[] cycle(ScrapeBatch b) {
        for (NodeScrape s : b.scraped()) {
            store.storeNode(s);
        }
        SeriesIndex i = index;
        // endCycle logs and resets the counters: read them through a fresh cycle of the index itself
        i.endCycle(b.failedNodes());
        int[] counters = {i.carriedCount, i.droppedAfterSecondFailure, i.duplicates, i.decreased};
        i.resetCycleCounters();
        return counters;
    }

    @Test
    void secondScrapeUpdatesTheSameSeriesInPlace() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 10, -100).container("ns", "p", "b", 0, 1, 10, -100).build());
        PodSeries first = index.pod("ns", "p");
        long[] pairs = first.pairs;
        NodeSeries node = index.node("n1");
        long[] nodePair = node.pair;
        assertNull(first.usage(), "one point is not a rate");

        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2.5, 20, -100).container("ns", "p", "b", 15, 4, 30, -100).build());
        PodSeries second = index.pod("ns", "p");
        assertSame(first, second, "same containers: the series object is kept");
        assertSame(pairs, second.pairs, "and its pairs array is overwritten, not reallocated");
        assertSame(node, index.node("n1"));
        assertSame(nodePair, index.node("n1").pair);
        PodUsage u = store.podUsage("ns", "p").orElseThrow();
        assertEquals(100_000_000L, u.containers().get(0).usage().cpuNanoCores());
        assertEquals(200_000_000L, u.containers().get(1).usage().cpuNanoCores());
        assertEquals(30, u.containers().get(1).usage().memoryBytes());
    }

    @Test
    void aNodesScrapeIsServedBeforeTheCycleEnds() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 10, -100).build());
        store.storeNode(new NodeScrape("n1", Batches.point(15, 16, 1, Double.NaN),
                List.of(new ContainerSample("ns", "p", "a", Batches.point(15, 2.5, 10, -100)))));
        assertEquals(1_000_000_000L, store.nodeUsage("n1").orElseThrow().usage().cpuNanoCores());
        assertEquals(100_000_000L, store.podUsage("ns", "p").orElseThrow().containers().get(0).usage().cpuNanoCores());
        assertEquals(1, store.nodeSeries());
        assertEquals(1, store.containerSeries());
    }

    @Test
    void podAppearsOnlyWhenEveryContainerHasTwoPoints() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 10, -100).build());
        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 10, -100).container("ns", "p", "b", 15, 1, 10, -100).build());
        assertTrue(store.podUsage("ns", "p").isEmpty(), "b has one point");
        PodSeries withB = index.pod("ns", "p");
        assertEquals(List.of("a", "b"), List.of(withB.containers));
        assertEquals(0, store.containerSeries());
        cycle(batch().node("n1", 30, 3, 1).container("ns", "p", "a", 30, 3, 10, -100).container("ns", "p", "b", 30, 2, 10, -100).build());
        PodUsage u = store.podUsage("ns", "p").orElseThrow();
        assertEquals(2, u.containers().size());
        assertEquals(15_000_000_000L, u.windowNanos(), "a kept its pair across the change of container set");
        assertEquals(2, store.containerSeries());
    }

    @Test
    void restartIsNotServedOnceThenRecoversInPlace() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 5, 10, -100).build());
        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 6, 10, -100).build());
        assertTrue(store.podUsage("ns", "p").isPresent());
        int[] c = cycle(batch().node("n1", 30, 3, 1).container("ns", "p", "a", 30, 0.5, 10, -100).build());
        assertEquals(1, c[3], "the counter went down: one decreased series");
        assertTrue(store.podUsage("ns", "p").isEmpty());
        assertEquals(0, store.containerSeries());
        cycle(batch().node("n1", 45, 4, 1).container("ns", "p", "a", 45, 1.5, 10, -100).build());
        assertEquals(66_666_666L, store.podUsage("ns", "p").orElseThrow().containers().get(0).usage().cpuNanoCores());
    }

    @Test
    void seriesNoLongerReportedAreDroppedAtOnce() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 1, -100).container("ns", "q", "a", 0, 1, 1, -100).build());
        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 1, -100).container("ns", "q", "a", 15, 2, 1, -100).build());
        assertEquals(2, store.containerSeries());
        cycle(batch().node("n1", 30, 3, 1).container("ns", "p", "a", 30, 3, 1, -100).build());
        assertNull(index.pod("ns", "q"), "q was not in its node's scrape");
        assertEquals(1, store.containerSeries());
        assertEquals(1, index.node("n1").pods.size());
        cycle(batch().node("n1", 45, 4, 1).build());
        assertNull(index.pod("ns", "p"));
        assertEquals(0, index.podCount(), "empty namespaces go too");
        assertEquals(0, store.containerSeries());
    }

    @Test
    void prunedNodeTakesItsPodsAlong() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 1, -100)
                .node("n2", 0, 1, 1).container("ns", "q", "a", 0, 1, 1, -100).build());
        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 1, -100)
                .node("n2", 15, 2, 1).container("ns", "q", "a", 15, 2, 1, -100).build());
        assertEquals(2, store.nodeSeries());
        cycle(batch().node("n1", 30, 3, 1).container("ns", "p", "a", 30, 3, 1, -100).build());
        assertNull(index.node("n2"));
        assertNull(index.pod("ns", "q"));
        assertEquals(1, store.nodeSeries());
        assertEquals(1, store.containerSeries());
        assertEquals(1, index.nodeCount());
    }

    @Test
    void nodeFailingForeverIsBridgedOnceDroppedOnceThenQuiet() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 1, -100).build());
        cycle(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 1, -100).build());

        int[] first = cycle(batch().failed("n1").build());
        assertEquals(1, first[0]);
        assertEquals(0, first[1]);
        assertEquals(1, index.servablePods());

        int[] second = cycle(batch().failed("n1").build());
        assertEquals(0, second[0]);
        assertEquals(1, second[1]);
        assertEquals(0, index.nodeCount());
        assertEquals(0, index.podCount());

        for (int i = 0; i < 3; i++) {
            int[] later = cycle(batch().failed("n1").build());
            assertEquals(0, later[0], "nothing left to bridge");
            assertEquals(0, later[1], "nothing left to drop");
        }
    }

    @Test
    void carriedPodsKeepTheirNodeForTheNextFailure() {
        cycle(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 0, 1, 1, -100).build());
        cycle(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 15, 2, 1, -100).build());
        assertEquals(1, cycle(batch().failed("n1").build())[0], "a node with pods but no node point is bridged");
        assertEquals(1, store.containerSeries());
        assertEquals(1, cycle(batch().failed("n1").build())[1]);
        assertEquals(0, store.containerSeries());
    }

    @Test
    void podMovingToAnotherNodeIsTakenOverAndNotDroppedByItsOldNode() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 1, -100).build());
        cycle(batch().node("n2", 15, 1, 1).container("ns", "p", "a", 15, 2, 1, -100)
                .node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 1, -100).build());
        assertEquals("n2", index.pod("ns", "p").node.name, "n2 reported it first in this cycle");
        int[] c = cycle(batch().node("n1", 30, 3, 1).node("n2", 30, 2, 1).container("ns", "p", "a", 30, 3, 1, -100).build());
        assertEquals(0, c[2]);
        assertNotNull(index.pod("ns", "p"), "n1 no longer reporting p does not drop n2's pod");
        assertTrue(store.podUsage("ns", "p").isPresent());
    }

    @Test
    void incompleteSamplesAreSkippedNotFatal() {
        List<ContainerSample> samples = new ArrayList<>();
        samples.add(new ContainerSample("ns", "p", "a", Batches.point(0, 1, 1, -100)));
        samples.add(new ContainerSample("ns", null, "a", Batches.point(0, 1, 1, -100)));
        samples.add(new ContainerSample("ns", "q", "a", null));
        samples.add(null);
        cycle(new ScrapeBatch(List.of(new NodeScrape("n1", null, samples)), Set.of()));
        assertEquals(1, index.podCount());
        assertNotNull(index.pod("ns", "p"));
    }

    @Test
    void namesAreSharedAcrossPodsAndChangedContainersGetANewSeries() {
        cycle(batch().node("n1", 0, 1, 1)
                .container(new String("ns"), "p1", new String("app"), 0, 1, 1, -100)
                .container(new String("ns"), "p2", new String("app"), 0, 1, 1, -100).build());
        PodSeries p1 = index.pod("ns", "p1");
        PodSeries p2 = index.pod("ns", "p2");
        assertSame(p1.containers[0], p2.containers[0], "one String instance per container name");
        cycle(batch().node("n1", 15, 2, 1)
                .container("ns", "p1", "sidecar", 15, 1, 1, -100)
                .container("ns", "p2", "app", 15, 2, 1, -100).build());
        assertNotSame(p1, index.pod("ns", "p1"), "another container set: a new series");
        assertSame(p2, index.pod("ns", "p2"));
    }

    @Test
    void aNodesPodsAreFoundBesideItsLastScrapeAndLookedUpWhenTheyChangedElsewhere() {
        cycle(batch().node("n1", 0, 1, 1).container("ns", "a", "c1", 0, 1, 1, -100)
                .container("ns", "b", "c1", 0, 1, 1, -100).container("ns", "c", "c1", 0, 1, 1, -100).build());
        PodSeries a = index.pod("ns", "a");
        PodSeries c = index.pod("ns", "c");
        // n2 reports b first, with another container set (a new series); n1 still reports it, and a new pod d
        int[] counters = cycle(batch().node("n2", 15, 1, 1).container("ns", "b", "c1", 15, 2, 1, -100)
                .container("ns", "b", "c2", 15, 1, 1, -100)
                .node("n1", 15, 2, 1).container("ns", "a", "c1", 15, 2, 1, -100)
                .container("ns", "b", "c1", 15, 2, 1, -100).container("ns", "c", "c1", 15, 2, 1, -100)
                .container("ns", "d", "c1", 15, 2, 1, -100).build());
        assertEquals(1, counters[2], "b from n1 is a duplicate");
        assertEquals("n2", index.pod("ns", "b").node.name);
        assertEquals(2, index.pod("ns", "b").containers.length);
        assertSame(a, index.pod("ns", "a"), "in place");
        assertSame(c, index.pod("ns", "c"));
        // n2 drops b, n1 reports it again with one container: a new series, found by lookup
        cycle(batch().node("n2", 30, 2, 1).node("n1", 30, 3, 1).container("ns", "a", "c1", 30, 3, 1, -100)
                .container("ns", "b", "c1", 30, 3, 1, -100).container("ns", "c", "c1", 30, 3, 1, -100)
                .container("ns", "d", "c1", 30, 3, 1, -100).build());
        PodSeries b = index.pod("ns", "b");
        assertEquals("n1", b.node.name);
        assertEquals(1, b.containers.length);
        assertTrue(b.current());
        assertSame(a, index.pod("ns", "a"));
        assertEquals(4, index.podCount());
        cycle(batch().node("n2", 45, 2, 1).node("n1", 45, 4, 1).container("ns", "a", "c1", 45, 4, 1, -100)
                .container("ns", "b", "c1", 45, 4, 1, -100).container("ns", "c", "c1", 45, 4, 1, -100)
                .container("ns", "d", "c1", 45, 4, 1, -100).build());
        assertSame(b, index.pod("ns", "b"), "from then on in place");
        for (String pod : List.of("a", "b", "c", "d")) {
            assertTrue(store.podUsage("ns", pod).isPresent(), pod);
        }
    }
}
