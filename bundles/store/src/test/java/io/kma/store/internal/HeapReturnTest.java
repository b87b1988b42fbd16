package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class HeapReturnTest {

    private final AtomicInteger collections = new AtomicInteger();
    private final HeapReturn heap = new HeapReturn(collections::incrementAndGet, ManagementFactory.getMemoryMXBean());

    /** Cycles of a cluster with 70 pods x 2 containers per node: nodes and containers shrink together. */
    private void cycles(int count, int servable) {
        cycles(count, servable, servable / 140);
    }

    private void cycles(int count, int servable, int nodes) {
        for (int i = 0; i < count; i++) {
            heap.cycleEnded(servable, nodes);
        }
    }

    @Test
    void collectsOnceSomeCyclesAfterTheClusterLostOverHalfItsContainers() {
        cycles(10, 700_000);
        cycles(HeapReturn.SETTLE_CYCLES, 140_000);
        assertEquals(0, collections.get(), "waits for idle connections and informer objects to go");
        cycles(1, 140_000);
        assertEquals(1, collections.get());
        cycles(50, 140_000);
        assertEquals(1, collections.get(), "the smaller cluster is the new peak: no collection every cycle");
        cycles(HeapReturn.SETTLE_CYCLES + 1, 60_000);
        assertEquals(2, collections.get(), "a further halving collects again");
    }

    @Test
    void aClusterThatGrowsBackBeforeTheCollectionCostsNone() {
        cycles(3, 100_000);
        cycles(HeapReturn.SETTLE_CYCLES - 1, 40_000);
        cycles(1, 90_000);
        cycles(HeapReturn.SETTLE_CYCLES, 90_000);
        assertEquals(0, collections.get());
        assertEquals(0, heap.due());
    }

    @Test
    void smallClustersAndGradualChurnNeverCollect() {
        cycles(5, HeapReturn.MIN_PEAK - 1);
        cycles(20, 10);
        assertEquals(0, collections.get(), "below the minimum peak");
        cycles(5, 100_000);
        cycles(20, 60_000);
        assertEquals(0, collections.get(), "lost less than half");
    }

    @Test
    void aColdStartIsNotAShrink() {
        for (int servable = 0; servable <= 700_000; servable += 50_000) {
            heap.cycleEnded(servable, servable / 140);
        }
        cycles(20, 700_000);
        assertEquals(0, collections.get());
    }

    @Test
    void workloadsScaledDownOnNodesThatStayAreNotAShrink() {
        cycles(10, 700_000, 5_000);
        cycles(HeapReturn.SETTLE_CYCLES * 4, 100_000, 5_000);
        assertEquals(0, collections.get(), "containers fell below half, the nodes did not");
        cycles(HeapReturn.SETTLE_CYCLES * 4, 100_000, 2_600);
        assertEquals(0, collections.get(), "lost under half of the nodes");
        assertEquals(0, heap.due());
    }

    @Test
    void theNodesMustStayBelowHalfUntilTheCollection() {
        cycles(10, 700_000, 5_000);
        cycles(HeapReturn.SETTLE_CYCLES - 1, 14_000, 100);
        cycles(1, 14_000, 4_000);
        assertEquals(0, heap.due(), "the nodes came back (their pods not yet): the pending collection is dropped");
        cycles(HeapReturn.SETTLE_CYCLES + 1, 14_000, 100);
        assertEquals(1, collections.get());
        cycles(HeapReturn.SETTLE_CYCLES * 2, 6_000, 60);
        assertEquals(1, collections.get(), "the peak nodes were reset to 100 at the collection: 60 is over half");
    }
}
