package io.kma.store.internal;

import static io.kma.store.internal.Batches.at;
import static io.kma.store.internal.Batches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodSeriesRef;
import io.kma.api.store.PodUsage;
import io.kma.api.store.PodUsageBuffer;
import io.kma.api.store.Usage;

class InMemoryMetricsStoreTest {

    private static final long MIB = 1 << 20;
    private static final double NO_START = Double.NaN;

    private final InMemoryMetricsStore store = new InMemoryMetricsStore(15_000);

    private NodeUsage node(String name) {
        return store.nodeUsage(name).orElseThrow(() -> new AssertionError("node " + name + " not served"));
    }

    private PodUsage pod(String ns, String name) {
        return store.podUsage(ns, name).orElseThrow(() -> new AssertionError("pod " + ns + "/" + name + " not served"));
    }

    private static List<String> names(PodUsage p) {
        return p.containers().stream().map(ContainerUsage::name).toList();
    }

    // ---- nodes

    @Test
    void upstreamWorkedExampleOutOfOrderPointKeepsPrevious() {
        // upstream node_test.go "prev.ts < newNode.ts < last.ts"
        store.store(batch().node("n1", 15, 10, MIB).build());
        store.store(batch().node("n1", 35, 50, MIB).build());
        store.store(batch().node("n1", 25, 35, 2 * MIB).build());

        NodeUsage u = node("n1");
        assertEquals(10_000_000_000L, u.windowNanos());
        assertEquals(2_500_000_000L, u.usage().cpuNanoCores(), "2.5 cores = 2500m");
        assertEquals(at(25), u.timestampNanos());
        assertEquals(2 * MIB, u.usage().memoryBytes());
    }

    @Test
    void outOfOrderPointOlderThanPreviousDropsPrevious() {
        store.store(batch().node("n1", 15, 10, MIB).build());
        store.store(batch().node("n1", 35, 50, MIB).build());
        store.store(batch().node("n1", 10, 5, MIB).build());
        assertTrue(store.nodeUsage("n1").isEmpty());
        store.store(batch().node("n1", 20, 7, MIB).build());
        assertEquals(200_000_000L, node("n1").usage().cpuNanoCores(), "(7-5)/(20-10)");
    }

    @Test
    void samePointScrapedTwiceKeepsOlderPrevious() {
        store.store(batch().node("n1", 0, 10, MIB).build());
        store.store(batch().node("n1", 15, 25, MIB).build());
        store.store(batch().node("n1", 15, 25, MIB).build()); // kubelet cache: same timestamp again
        NodeUsage u = node("n1");
        assertEquals(15_000_000_000L, u.windowNanos());
        assertEquals(1_000_000_000L, u.usage().cpuNanoCores());
    }

    @Test
    void nodeWithOnePointIsNotServed() {
        store.store(batch().node("n1", 0, 10, MIB).build());
        assertTrue(store.nodeUsage("n1").isEmpty());
        assertEquals(0, store.nodeSeries());
    }

    @Test
    void nodeRateAndMemoryAsUpstream() {
        store.store(batch().node("n1", 0, 100, 5 * MIB).build());
        store.store(batch().node("n1", 15, 101.5, 7 * MIB).build());
        NodeUsage u = node("n1");
        assertEquals(100_000_000L, u.usage().cpuNanoCores(), "1.5 core-seconds over 15 s = 100m");
        assertEquals(7 * MIB, u.usage().memoryBytes(), "memory is the last working set");
        assertEquals(at(15), u.timestampNanos());
        assertEquals(15_000_000_000L, u.windowNanos());
        assertEquals(1, store.nodeSeries());
    }

    @Test
    void cpuRateIsTruncatedNotRounded() {
        store.store(batch().node("n1", 0, 0.000_000_001, MIB).build());
        store.store(batch().node("n1", 3, 10.000_000_002, MIB).build());
        // 10.000000001 core-seconds over 3 s = 3333333333.67 nanocores → truncated
        assertEquals(3_333_333_333L, node("n1").usage().cpuNanoCores());
    }

    @Test
    void nodeCounterResetIsNotServedForOneCycleThenRecovers() {
        store.store(batch().node("n1", 0, 1000, MIB).build());
        store.store(batch().node("n1", 15, 1015, MIB).build());
        assertTrue(store.nodeUsage("n1").isPresent());

        store.store(batch().node("n1", 30, 3, MIB).build()); // node rebooted: counter went down
        assertTrue(store.nodeUsage("n1").isEmpty(), "no negative or spiked rate");
        assertEquals(0, store.nodeSeries());

        store.store(batch().node("n1", 45, 9, MIB).build());
        assertEquals(400_000_000L, node("n1").usage().cpuNanoCores(), "(9-3)/15");
    }

    // ---- containers and pods

    @Test
    void podServedWithSortedContainersAndEarliestTimestamp() {
        store.store(batch().node("n1", 0, 1, MIB)
                .container("ns", "p", "zeta", 0, 10, MIB, -1000)
                .container("ns", "p", "alpha", 1, 20, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB)
                .container("ns", "p", "zeta", 14, 17, 3 * MIB, -1000)  // earliest last point
                .container("ns", "p", "alpha", 16, 50, 4 * MIB, -1000).build());

        PodUsage p = pod("ns", "p");
        assertEquals(List.of("alpha", "zeta"), names(p));
        assertEquals(at(14), p.timestampNanos(), "timestamp of the container with the earliest last point");
        assertEquals(14_000_000_000L, p.windowNanos(), "window of that same container");
        assertEquals(2_000_000_000L, p.containers().get(0).usage().cpuNanoCores(), "alpha: 30/15");
        assertEquals(500_000_000L, p.containers().get(1).usage().cpuNanoCores(), "zeta: 7/14");
        assertEquals(3 * MIB, p.containers().get(1).usage().memoryBytes());
        assertEquals(2, store.containerSeries());
        assertTrue(store.ready());
    }

    @Test
    void podWithContainerMissingItsPreviousPointIsOmitted() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "app", 0, 10, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB)
                .container("ns", "p", "app", 15, 20, MIB, -1000)
                .container("ns", "p", "sidecar", 15, 5, MIB, -1000).build()); // first sighting
        assertTrue(store.podUsage("ns", "p").isEmpty());
        assertEquals(0, store.containerSeries());

        store.store(batch().node("n1", 30, 3, MIB)
                .container("ns", "p", "app", 30, 35, MIB, -1000)
                .container("ns", "p", "sidecar", 30, 8, MIB, -1000).build());
        assertEquals(List.of("app", "sidecar"), names(pod("ns", "p")));
    }

    @Test
    void containerCounterResetOmitsOnlyThatContainer() {
        store.store(batch().node("n1", 0, 1, MIB)
                .container("ns", "p", "a", 0, 100, MIB, -1000)
                .container("ns", "p", "b", 0, 100, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB)
                .container("ns", "p", "a", 15, 115, MIB, -1000)
                .container("ns", "p", "b", 15, 4, MIB, -1000).build()); // b's counter went down
        PodUsage p = pod("ns", "p");
        assertEquals(List.of("a"), names(p));
        assertEquals(1_000_000_000L, p.containers().get(0).usage().cpuNanoCores());
        assertEquals(1, store.containerSeries());
    }

    @Test
    void podWhoseContainersAllErrorIsOmittedNeverEmpty() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 100, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 50, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p").isEmpty(), "never containers: []");
        assertFalse(store.ready(), "a node alone is not ready");

        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p", "a", 30, 53, MIB, -1000).build());
        assertEquals(200_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores(), "(53-50)/15");
    }

    @Test
    void restartDetectedThroughStartTimeDropsOldPoint() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 100, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 130, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p").isPresent());

        // Restarted at t=16, scraped at t=30: younger than 10 s, so not fresh-eligible; S(x) > T(last) = 15
        // means a new instance, whose counter (2) must never be compared with the old one (130).
        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p", "a", 30, 130.5, MIB, 25).build());
        assertTrue(store.podUsage("ns", "p").isEmpty(), "new instance: no previous point yet");

        store.store(batch().node("n1", 45, 4, MIB).container("ns", "p", "a", 45, 133.5, MIB, 25).build());
        assertEquals(200_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores(), "(133.5-130.5)/15");
    }

    @Test
    void restartedContainerOlderThanTenSecondsUsesItsStartAsPrevious() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 100, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 130, MIB, -1000).build());
        // restarted at t=18, scraped at t=30 (12 s old, resolution 15 s): served at once
        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p", "a", 30, 6, 9 * MIB, 18).build());
        PodUsage p = pod("ns", "p");
        assertEquals(12_000_000_000L, p.windowNanos());
        assertEquals(at(30), p.timestampNanos());
        assertEquals(500_000_000L, p.containers().get(0).usage().cpuNanoCores(), "6 core-seconds since start over 12 s");
    }

    @Test
    void startTimeDecreaseIsNotServed() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 100, MIB, -500).build());
        // start time went backwards but is still before the last point: continuity, then S(L) < S(P)
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 115, MIB, -900).build());
        assertTrue(store.podUsage("ns", "p").isEmpty());
        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p", "a", 30, 130, MIB, -900).build());
        assertEquals(1_000_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores());
    }

    @Test
    void freshContainerServedFromItsFirstPoint() {
        // started at t=-12, first seen at t=0: 10 s ≤ 12 s < 15 s
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 3, 2 * MIB, -12).build());
        PodUsage p = pod("ns", "p");
        assertEquals(12_000_000_000L, p.windowNanos());
        assertEquals(at(0), p.timestampNanos());
        assertEquals(250_000_000L, p.containers().get(0).usage().cpuNanoCores(), "3/12 with cpu 0 at start");
        assertEquals(2 * MIB, p.containers().get(0).usage().memoryBytes());
    }

    @Test
    void freshRuleBounds() {
        store.store(batch().node("n1", 0, 1, MIB)
                .container("ns", "young", "a", 0, 3, MIB, -9.999)   // younger than 10 s
                .container("ns", "ten", "a", 0, 3, MIB, -10)        // exactly 10 s: fresh
                .container("ns", "old", "a", 0, 3, MIB, -15)        // exactly one resolution: not fresh
                .container("ns", "future", "a", 0, 3, MIB, 5)       // start after timestamp
                .container("ns", "nostart", "a", 0, 3, MIB, NO_START).build());
        assertTrue(store.podUsage("ns", "young").isEmpty());
        assertTrue(store.podUsage("ns", "ten").isPresent());
        assertTrue(store.podUsage("ns", "old").isEmpty());
        assertTrue(store.podUsage("ns", "future").isEmpty());
        assertTrue(store.podUsage("ns", "nostart").isEmpty());
    }

    @Test
    void freshRuleNeverAppliesWhenResolutionIsTenSecondsOrLess() {
        InMemoryMetricsStore fast = new InMemoryMetricsStore(10_000);
        fast.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 3, MIB, -10).build());
        assertTrue(fast.podUsage("ns", "p").isEmpty());
    }

    @Test
    void unknownStartTimeAssumesContinuity() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 10, MIB, NO_START).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 25, MIB, NO_START).build());
        assertEquals(1_000_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores());
    }

    @Test
    void containerOutOfOrderFollowsThreeWayRule() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 15, 10, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 35, 50, MIB, -1000).build());
        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p", "a", 25, 35, MIB, -1000).build());
        PodUsage p = pod("ns", "p");
        assertEquals(10_000_000_000L, p.windowNanos());
        assertEquals(2_500_000_000L, p.containers().get(0).usage().cpuNanoCores());
    }

    // ---- pruning, carry-over, duplicates

    @Test
    void vanishedPodsAndNodesArePrunedAtOnce() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p1", "a", 0, 1, MIB, -1000)
                .container("ns", "p2", "a", 0, 1, MIB, -1000)
                .node("n2", 0, 1, MIB).container("ns", "q", "a", 0, 1, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p1", "a", 15, 2, MIB, -1000)
                .container("ns", "p2", "a", 15, 2, MIB, -1000)
                .node("n2", 15, 2, MIB).container("ns", "q", "a", 15, 2, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p2").isPresent());
        assertTrue(store.nodeUsage("n2").isPresent());

        // p2 deleted; n2 left the cluster (neither scraped nor failed)
        store.store(batch().node("n1", 30, 3, MIB).container("ns", "p1", "a", 30, 3, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p1").isPresent());
        assertTrue(store.podUsage("ns", "p2").isEmpty());
        assertTrue(store.nodeUsage("n2").isEmpty());
        assertTrue(store.podUsage("ns", "q").isEmpty());
        assertEquals(1, store.nodeSeries());
        assertEquals(1, store.containerSeries());

        // p2 comes back (same name): it starts over, it does not resurrect old points
        store.store(batch().node("n1", 45, 4, MIB).container("ns", "p1", "a", 45, 4, MIB, -1000)
                .container("ns", "p2", "a", 45, 9, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p2").isEmpty());
    }

    @Test
    void oneFailedScrapeIsCarriedOverTheSecondDrops() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 1, MIB, -1000)
                .node("n2", 0, 1, MIB).container("ns", "q", "a", 0, 1, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 2.5, MIB, -1000)
                .node("n2", 15, 2, MIB).container("ns", "q", "a", 15, 2, MIB, -1000).build());
        NodeUsage before = node("n1");
        PodUsage podBefore = pod("ns", "p");

        store.store(batch().node("n2", 30, 3, MIB).container("ns", "q", "a", 30, 3, MIB, -1000).failed("n1").build());
        assertEquals(before, node("n1"), "kept as it was for one failed cycle");
        assertEquals(podBefore, pod("ns", "p"));
        assertEquals(2, store.nodeSeries());
        assertEquals(2, store.containerSeries());

        store.store(batch().node("n2", 45, 4, MIB).container("ns", "q", "a", 45, 4, MIB, -1000).failed("n1").build());
        assertTrue(store.nodeUsage("n1").isEmpty(), "second consecutive failure drops the node");
        assertTrue(store.podUsage("ns", "p").isEmpty(), "and its pods");
        assertTrue(store.podUsage("ns", "q").isPresent());
    }

    @Test
    void successAfterOneFailureResumesOverTheLongerWindow() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 1, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 2, MIB, -1000).build());
        store.store(batch().failed("n1").build());
        store.store(batch().node("n1", 45, 5, MIB).container("ns", "p", "a", 45, 8, MIB, -1000).build());
        assertEquals(30_000_000_000L, node("n1").windowNanos());
        assertEquals(100_000_000L, node("n1").usage().cpuNanoCores(), "(5-2)/30");
        assertEquals(200_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores(), "(8-2)/30");

        // the failure count starts over after a success: one more failure is bridged again
        store.store(batch().failed("n1").build());
        assertTrue(store.nodeUsage("n1").isPresent());
        assertTrue(store.podUsage("ns", "p").isPresent());
    }

    @Test
    void duplicatePodAcrossNodesFirstWins() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 1, MIB, -1000)
                .node("n2", 0, 1, MIB).container("ns", "p", "a", 0, 100, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 16, MIB, -1000)
                .node("n2", 15, 2, MIB).container("ns", "p", "a", 15, 200, MIB, -1000).build());
        assertEquals(1_000_000_000L, pod("ns", "p").containers().get(0).usage().cpuNanoCores());
    }

    @Test
    void sameContainerNameInOtherNamespacesAndPodsIsIndependent() {
        store.store(batch().node("n1", 0, 1, MIB).container("a", "p", "c", 0, 1, MIB, -1000)
                .container("b", "p", "c", 0, 1, MIB, -1000).build());
        store.store(batch().node("n1", 15, 2, MIB).container("a", "p", "c", 15, 16, MIB, -1000)
                .container("b", "p", "c", 15, 31, MIB, -1000).build());
        assertEquals(1_000_000_000L, pod("a", "p").containers().get(0).usage().cpuNanoCores());
        assertEquals(2_000_000_000L, pod("b", "p").containers().get(0).usage().cpuNanoCores());
        assertTrue(store.podUsage("c", "p").isEmpty());
    }

    @Test
    void nodeWithoutNodePointStillStoresItsPods() {
        store.store(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 0, 1, MIB, -1000).build());
        store.store(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 15, 16, MIB, -1000).build());
        assertTrue(store.podUsage("ns", "p").isPresent());
        assertTrue(store.nodeUsage("n1").isEmpty());
        assertFalse(store.ready(), "a pod alone is not ready");
    }

    // ---- readiness and self-metrics

    @Test
    void readinessNeedsOneNodeAndOnePod() {
        StorageReadyCheck check = new StorageReadyCheck();
        assertEquals("metric-storage-ready", check.name());
        assertEquals("no metrics to serve", check.check().reason(), "no store bound");
        check.store = store;
        assertFalse(check.check().ok());

        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 1, MIB, -1000).build());
        assertFalse(store.ready());
        assertEquals("no metrics to serve", check.check().reason());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 2, MIB, -1000).build());
        assertTrue(store.ready());
        assertTrue(check.check().ok());
    }

    @Test
    void storagePointsGaugeCountsServablePoints() throws Exception {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "a", 0, 1, MIB, -1000)
                .container("ns", "p", "b", 0, 1, MIB, -1000)
                .node("n2", 0, 1, MIB).build());
        store.store(batch().node("n1", 15, 2, MIB).container("ns", "p", "a", 15, 2, MIB, -1000)
                .container("ns", "p", "b", 15, 2, MIB, -1000)
                .node("n2", 15, 2, MIB).build());
        StoragePointsMetrics metrics = new StoragePointsMetrics();
        metrics.store = store;
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        assertEquals("""
                # HELP metrics_server_storage_points [ALPHA] Number of metrics points stored.
                # TYPE metrics_server_storage_points gauge
                metrics_server_storage_points{type="container"} 2
                metrics_server_storage_points{type="node"} 2
                """, out.toString());
    }

    // ---- handles (PodSeriesRef): the list path's reads

    /** What a handle reads, as the PodUsage it must equal. */
    private static PodUsage read(PodSeriesRef ref, String ns, String name) {
        PodUsageBuffer b = new PodUsageBuffer();
        b.addContainer("left-over", 1, 1); // a read replaces whatever the buffer held
        if (!ref.read(b)) {
            assertEquals(0, b.containers(), "a failed read leaves the buffer empty");
            return null;
        }
        List<ContainerUsage> containers = new java.util.ArrayList<>();
        for (int i = 0; i < b.containers(); i++) {
            containers.add(new ContainerUsage(b.containerName(i), new Usage(b.cpuNanoCores(i), b.memoryBytes(i))));
        }
        return new PodUsage(ns, name, b.timestampNanos(), b.windowNanos(), containers);
    }

    @Test
    void handleReadsWhatPodUsageReturnsUntilTheSeriesIsReplacedOrGone() {
        store.store(batch().node("n1", 0, 1, MIB).container("ns", "p", "b", 0, 1, MIB, NO_START)
                .container("ns", "p", "a", 0, 2, MIB, NO_START).build());
        PodSeriesRef ref = store.podSeries("ns", "p");
        assertTrue(ref.current());
        assertNull(read(ref, "ns", "p"), "one point: not served");
        store.store(batch().node("n1", 15, 4, MIB).container("ns", "p", "b", 15, 4, 3 * MIB, NO_START)
                .container("ns", "p", "a", 14, 5, 2 * MIB, NO_START).build());
        assertEquals(pod("ns", "p"), read(ref, "ns", "p"), "the same figures as podUsage, in place");
        assertEquals(List.of("a", "b"), names(read(ref, "ns", "p")));
        assertTrue(ref.current());

        // the containers change: a new series; the old handle is no longer current, for good
        store.store(batch().node("n1", 30, 7, MIB).container("ns", "p", "a", 30, 8, MIB, NO_START)
                .container("ns", "p", "c", 30, 1, MIB, NO_START).build());
        assertFalse(ref.current());
        PodSeriesRef replaced = store.podSeries("ns", "p");
        assertTrue(replaced.current());
        assertEquals(store.podUsage("ns", "p").orElse(null), read(replaced, "ns", "p"));

        // the pod is no longer reported: gone
        store.store(batch().node("n1", 45, 9, MIB).container("ns", "q", "a", 45, 1, MIB, NO_START).build());
        assertFalse(replaced.current());
        assertNull(store.podSeries("ns", "p"));
        assertNull(read(replaced, "ns", "p"), "a removed series serves nothing");
        assertFalse(ref.current());
    }
}
