package io.kma.scraper.internal;

import static io.kma.scraper.internal.ScrapeCycle.CARRIED;
import static io.kma.scraper.internal.ScrapeCycle.KNOWN;
import static io.kma.scraper.internal.ScrapeCycle.NEW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ScrapeCycleOrderTest {

    @Test
    void carriedThenKnownThenFirstScrapesEachByOffset() {
        int[] groups = {NEW, KNOWN, CARRIED, NEW, KNOWN, KNOWN, CARRIED};
        long[] offsets = {5, 900, 0, 1, 3, 40, 0};
        assertArrayEquals(new Integer[] {2, 6, 4, 5, 1, 3, 0}, ScrapeCycle.startOrder(groups, offsets));
    }

    @Test
    void aSteadyStateIsOrderedByOffsetAlone() {
        int[] groups = {KNOWN, KNOWN, KNOWN, KNOWN};
        long[] offsets = {30, 10, 20, 0};
        assertArrayEquals(new Integer[] {3, 1, 2, 0}, ScrapeCycle.startOrder(groups, offsets));
    }
}
