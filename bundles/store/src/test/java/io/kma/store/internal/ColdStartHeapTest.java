package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ColdStartHeapTest {

    /** HotSpot's rule for the two flags: each must stay within 0..100 and Min <= Max, else the JVM refuses. */
    private static final class FakeFlags implements ColdStartHeap.VmFlags {
        final Map<String, String> values = new HashMap<>();
        final List<String> sets = new ArrayList<>();
        String refuse;

        FakeFlags(int min, int max) {
            values.put(ColdStartHeap.MIN_FLAG, Integer.toString(min));
            values.put(ColdStartHeap.MAX_FLAG, Integer.toString(max));
        }

        @Override
        public String get(String name) {
            return values.get(name);
        }

        @Override
        public boolean set(String name, String value) {
            int v = Integer.parseInt(value);
            int min = name.equals(ColdStartHeap.MIN_FLAG) ? v : Integer.parseInt(values.get(ColdStartHeap.MIN_FLAG));
            int max = name.equals(ColdStartHeap.MAX_FLAG) ? v : Integer.parseInt(values.get(ColdStartHeap.MAX_FLAG));
            if (name.equals(refuse) || min > max || v < 0 || v > 100) {
                return false;
            }
            values.put(name, value);
            sets.add(name + "=" + value);
            return true;
        }

        int min() {
            return Integer.parseInt(values.get(ColdStartHeap.MIN_FLAG));
        }

        int max() {
            return Integer.parseInt(values.get(ColdStartHeap.MAX_FLAG));
        }
    }

    private final AtomicInteger collections = new AtomicInteger();
    /** The flags as the collection saw them. */
    private final List<String> atCollection = new ArrayList<>();

    @Test
    void widensUntilEveryNodeServesThenRestoresAndCollectsOnce() {
        FakeFlags flags = new FakeFlags(20, 40);
        ColdStartHeap heap = ColdStartHeap.begin(flags, () -> {
            collections.incrementAndGet();
            atCollection.add(flags.min() + "/" + flags.max());
        });
        assertEquals(60, flags.min());
        assertEquals(80, flags.max());
        assertEquals(List.of("MaxHeapFreeRatio=80", "MinHeapFreeRatio=60"), flags.sets, "Max first: Min <= Max throughout");

        heap.cycleEnded(Set.of(), 0); // no node known yet: not "every node serves"
        heap.cycleEnded(Set.of(), 0);
        heap.cycleEnded(Set.of("node-7", "node-9"), 3_000);
        heap.cycleEnded(Set.of("node-7", "node-9"), 3_000);
        heap.cycleEnded(Set.of(), 4_000); // no failure, but still pending nodes: the count grew
        assertTrue(heap.cold());
        assertEquals(0, collections.get());

        heap.cycleEnded(Set.of(), 5_000);
        assertTrue(heap.cold(), "one cycle more, to see that no node was still pending");
        heap.cycleEnded(Set.of(), 5_000);
        assertFalse(heap.cold());
        assertEquals(20, flags.min());
        assertEquals(40, flags.max());
        assertEquals(1, collections.get());
        assertEquals(List.of("20/20"), atCollection, "the collection cuts the heap to the previous Min's free room");

        heap.cycleEnded(Set.of("node-1"), 4_999);
        heap.cycleEnded(Set.of(), 5_000);
        assertEquals(1, collections.get(), "once per start");
        assertEquals(5, flags.sets.size());
    }

    @Test
    void aNodeThatNeverAnswersKeepsTheWideHeapForBoundedCycles() {
        FakeFlags flags = new FakeFlags(20, 40);
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        for (int i = 1; i < ColdStartHeap.MAX_COLD_CYCLES; i++) {
            heap.cycleEnded(Set.of("gone"), 99);
        }
        assertTrue(heap.cold());
        heap.cycleEnded(Set.of("gone"), 99);
        assertFalse(heap.cold());
        assertEquals(20, flags.min());
        assertEquals(40, flags.max());
        assertEquals(1, collections.get());
    }

    @Test
    void theOperatorsWiderRatiosAreKept() {
        FakeFlags flags = new FakeFlags(70, 90);
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        assertFalse(heap.cold());
        assertTrue(flags.sets.isEmpty());

        FakeFlags half = new FakeFlags(10, 95);
        ColdStartHeap partly = ColdStartHeap.begin(half, collections::incrementAndGet);
        assertEquals(60, half.min());
        assertEquals(95, half.max(), "a larger Max stays");
        partly.cycleEnded(Set.of(), 1);
        partly.cycleEnded(Set.of(), 1);
        assertEquals(10, half.min());
        assertEquals(95, half.max());
    }

    @Test
    void aJvmThatRefusesLeavesThePolicyAsItWas() {
        FakeFlags flags = new FakeFlags(20, 40);
        flags.refuse = ColdStartHeap.MIN_FLAG;
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        assertFalse(heap.cold());
        assertEquals(20, flags.min());
        assertEquals(40, flags.max(), "the Max already set is taken back");
        heap.cycleEnded(Set.of(), 10);
        heap.cycleEnded(Set.of(), 10);
        assertEquals(0, collections.get());

        FakeFlags unreadable = new FakeFlags(20, 40);
        unreadable.values.put(ColdStartHeap.MAX_FLAG, "not a number");
        assertFalse(ColdStartHeap.begin(unreadable, collections::incrementAndGet).cold());
        assertTrue(unreadable.sets.isEmpty());
    }

    @Test
    void stoppingTheStoreRestoresWithoutACollection() {
        FakeFlags flags = new FakeFlags(20, 40);
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        heap.close();
        assertEquals(20, flags.min());
        assertEquals(40, flags.max());
        assertEquals(0, collections.get());
        heap.close();
        assertEquals(4, flags.sets.size(), "nothing more to restore");
    }

    @Test
    void cyclesThatNeverReachTheStoreEndTheColdStartByTime() {
        FakeFlags flags = new FakeFlags(20, 40);
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        heap.timeUp();
        assertFalse(heap.cold());
        assertEquals(20, flags.min());
        assertEquals(40, flags.max());
        assertEquals(1, collections.get());
        heap.timeUp(); // the limit fires once, but a second call must change nothing
        heap.cycleEnded(Set.of(), 100);
        assertEquals(1, collections.get());
    }

    @Test
    void aRefusedRestoreIsTriedAgainAndNotReportedDone() {
        FakeFlags flags = new FakeFlags(20, 40);
        ColdStartHeap heap = ColdStartHeap.begin(flags, collections::incrementAndGet);
        flags.refuse = ColdStartHeap.MIN_FLAG;
        heap.timeUp();
        assertTrue(heap.cold(), "Min refused: Max cannot go below 60 either, so the ratios are still wide");
        assertEquals(60, flags.min());
        assertEquals(80, flags.max());
        assertEquals(0, collections.get(), "no collection at the wide ratios: it would keep the room");

        flags.refuse = null;
        heap.close();
        assertFalse(heap.cold());
        assertEquals(20, flags.min());
        assertEquals(40, flags.max());
    }

    /** The real MBean path answers this JVM's values (a read only: the test JVM's heap policy stays). */
    @Test
    void theHotSpotFlagsAreReadable() {
        ColdStartHeap.VmFlags real = new ColdStartHeap.HotSpotFlags();
        String min = real.get(ColdStartHeap.MIN_FLAG);
        assertNotNull(min);
        assertTrue(Integer.parseInt(min) >= 0);
        assertEquals(null, real.get("NoSuchFlagAtAll"));
    }
}
