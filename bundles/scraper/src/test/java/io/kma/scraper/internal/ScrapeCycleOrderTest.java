package io.kma.scraper.internal;

import static io.kma.scraper.internal.ScrapeCycle.CARRIED;
import static io.kma.scraper.internal.ScrapeCycle.KNOWN;
import static io.kma.scraper.internal.ScrapeCycle.NEW;
import static io.kma.scraper.internal.ScrapeCycle.SECOND;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class ScrapeCycleOrderTest {

    @Test
    void carriedThenSecondSamplesThenKnownThenFirstScrapesEachByOffset() {
        int[] groups = {NEW, KNOWN, CARRIED, NEW, KNOWN, SECOND, KNOWN, CARRIED, SECOND};
        long[] offsets = {5, 900, 0, 1, 3, 70, 40, 0, 2};
        assertArrayEquals(new Integer[] {2, 7, 8, 5, 4, 6, 1, 3, 0}, ScrapeCycle.startOrder(groups, offsets));
    }

    @Test
    void aSteadyStateIsOrderedByOffsetAlone() {
        int[] groups = {KNOWN, KNOWN, KNOWN, KNOWN};
        long[] offsets = {30, 10, 20, 0};
        assertArrayEquals(new Integer[] {3, 1, 2, 0}, ScrapeCycle.startOrder(groups, offsets));
    }

    @Test
    void carriedScrapesCountsSuccessesUpToTwo() {
        CarriedScrapes first = new CarriedScrapes();
        assertFalse(first.sampledOnce("a"));
        first.finished("a");
        assertFalse(first.sampledOnce("a"), "a failed scrape is no sample");
        first.succeeded("a");
        assertTrue(first.sampledOnce("a"));
        first.succeeded("a");
        assertFalse(first.sampledOnce("a"));
        first.succeeded("a");
        assertFalse(first.sampledOnce("a"));
        first.succeeded("b");
        first.retain(Set.of("a"));
        assertFalse(first.sampledOnce("b"), "a node that left is forgotten");
    }

    /**
     * The fourth cycle of a 5,000-node cold start: the last 1,600 handshakes finished in the cycle before. Those
     * nodes are served from their second sample, so they start at once (as slots allow) instead of at their phase in
     * the steady state's 10 s spread; the nodes served already keep that spread.
     */
    @Test
    void nodesWithOneSampleStartFirstAtOnce() {
        CarriedScrapes first = new CarriedScrapes();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String name = "node-" + i;
            names.add(name);
            first.finished(name);
            first.succeeded(name);
            if (i >= 1600) {
                first.succeeded(name);
            }
        }
        ScrapePhases phases = new ScrapePhases(42);
        ScrapeCycle.StartPlan plan = ScrapeCycle.plan(names, 15_000, true, first, phases);
        long latestSecond = 0;
        long latestKnown = 0;
        for (int i = 0; i < 5000; i++) {
            assertEquals(i < 1600 ? SECOND : KNOWN, plan.groups()[i], names.get(i));
            if (i < 1600) {
                latestSecond = Math.max(latestSecond, plan.offsets()[i]);
            } else {
                assertEquals(phases.offsetMillis(names.get(i), 10_000), plan.offsets()[i], "the steady state's phase");
                latestKnown = Math.max(latestKnown, plan.offsets()[i]);
            }
        }
        assertEquals(0, latestSecond, "second samples at the cycle's start");
        assertTrue(latestKnown > 9000, "served nodes keep the 10 s spread: " + latestKnown);
        Integer[] order = ScrapeCycle.startOrder(plan.groups(), plan.offsets());
        for (int k = 0; k < 1600; k++) {
            assertTrue(order[k] < 1600, "position " + k + ": " + names.get(order[k]));
        }
    }

    @Test
    void secondSamplesStartAtOnceRightAfterCarriedScrapes() {
        CarriedScrapes first = new CarriedScrapes();
        List<String> names = List.of("served", "once", "failed-only", "never", "carried", "once-not-started");
        for (String name : List.of("served", "once", "failed-only", "once-not-started")) {
            first.finished(name);
        }
        first.succeeded("served");
        first.succeeded("served");
        first.succeeded("once");
        first.succeeded("once-not-started");
        first.carry("carried", new CompletableFuture<>());
        ScrapePhases phases = new ScrapePhases(7);
        phases.notStarted(List.of("once-not-started"));
        ScrapeCycle.StartPlan plan = ScrapeCycle.plan(names, 15_000, true, first, phases);
        assertArrayEquals(new int[] {KNOWN, SECOND, KNOWN, NEW, CARRIED, SECOND}, plan.groups());
        assertEquals(0, plan.offsets()[1]);
        assertEquals(0, plan.offsets()[5]);
        assertEquals(phases.offsetMillis("served", 32), plan.offsets()[0], "known nodes: 8 ms each for the four");
        assertArrayEquals(new Integer[] {4, 1, 5}, java.util.Arrays.copyOf(
                ScrapeCycle.startOrder(plan.groups(), plan.offsets()), 3));
    }

    @Test
    void withoutJitterEveryNodeStartsAtOnce() {
        CarriedScrapes first = new CarriedScrapes();
        first.finished("a");
        first.succeeded("a");
        ScrapeCycle.StartPlan plan = ScrapeCycle.plan(List.of("a", "b"), 15_000, false, first, new ScrapePhases(1));
        assertArrayEquals(new long[] {0, 0}, plan.offsets());
    }
}
