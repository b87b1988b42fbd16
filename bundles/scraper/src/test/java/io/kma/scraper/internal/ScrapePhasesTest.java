package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScrapePhasesTest {

    @Test
    void aNodeKeepsItsOffsetFromCycleToCycle() {
        ScrapePhases phases = new ScrapePhases(42);
        long first = phases.offsetMillis("node-17", 10_000);
        for (int cycle = 0; cycle < 5; cycle++) {
            assertEquals(first, phases.offsetMillis("node-17", 10_000));
        }
        assertEquals(first, new ScrapePhases(42).offsetMillis("node-17", 10_000), "the same salt, the same phase");
    }

    @Test
    void nodesWithSimilarNamesSpreadEvenlyOverTheSpread() {
        ScrapePhases phases = new ScrapePhases(7);
        int[] buckets = new int[10];
        for (int i = 0; i < 5_000; i++) {
            long offset = phases.offsetMillis("sim-node-" + i, 10_000);
            assertTrue(offset >= 0 && offset < 10_000, "offset " + offset);
            buckets[(int) (offset / 1_000)]++;
        }
        for (int b = 0; b < buckets.length; b++) {
            // 500 expected per second of the spread; a burst (upstream's 4 s) would leave buckets empty
            assertTrue(buckets[b] > 400 && buckets[b] < 600, "second " + b + ": " + buckets[b] + " nodes");
        }
    }

    @Test
    void anotherScraperPhasesTheNodesDifferently() {
        ScrapePhases a = new ScrapePhases(1);
        ScrapePhases b = new ScrapePhases(2);
        int same = 0;
        for (int i = 0; i < 100; i++) {
            same += a.offsetMillis("node-" + i, 10_000) == b.offsetMillis("node-" + i, 10_000) ? 1 : 0;
        }
        assertNotEquals(100, same);
        assertTrue(same < 5, same + " of 100 nodes at the same millisecond");
    }

    @Test
    void noSpreadNoOffsetAndOneMillisecondOnlyZero() {
        ScrapePhases phases = new ScrapePhases(3);
        assertEquals(0, phases.offsetMillis("node-1", 0));
        assertEquals(0, phases.offsetMillis("node-1", 1));
    }

    @Test
    void namesWithEqualHashCodesGetTheirOwnPhases() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        ScrapePhases phases = new ScrapePhases(11);
        assertNotEquals(phases.offsetMillis("Aa", 10_000), phases.offsetMillis("BB", 10_000));
    }

    @Test
    void nodesALastCycleCouldNotStartAreRememberedForOneCycle() {
        ScrapePhases phases = new ScrapePhases(5);
        assertFalse(phases.wasNotStarted("node-9"));
        phases.notStarted(java.util.List.of("node-9", "node-10"));
        assertTrue(phases.wasNotStarted("node-9"));
        assertTrue(phases.wasNotStarted("node-10"));
        phases.notStarted(java.util.List.of());
        assertFalse(phases.wasNotStarted("node-9"));
    }
}
