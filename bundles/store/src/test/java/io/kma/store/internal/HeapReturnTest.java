package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class HeapReturnTest {

    private final AtomicInteger collections = new AtomicInteger();
    private final HeapReturn heap = new HeapReturn(collections::incrementAndGet, ManagementFactory.getMemoryMXBean());

    private void cycles(int count, int servable) {
        for (int i = 0; i < count; i++) {
            heap.cycleEnded(servable);
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
            heap.cycleEnded(servable);
        }
        cycles(20, 700_000);
        assertEquals(0, collections.get());
    }
}
