package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ScrapeFailureLogTest {

    private final List<String> lines = new ArrayList<>();
    private final ScrapeFailureLog log = new ScrapeFailureLog((warn, text) -> lines.add((warn ? "WARN " : "INFO ") + text));

    private void cycle(int nodes, int failingFrom, int failingTo) {
        for (int i = 0; i < nodes; i++) {
            if (i >= failingFrom && i < failingTo) {
                log.failed("n" + i, i % 2 == 0 ? "timeout" : "not_started", "(https://n" + i + ") boom");
            } else {
                log.succeeded("n" + i);
            }
        }
        log.endCycle(nodes);
    }

    @Test
    void manyFailuresCostBoundedLinesAndRepeatedOnesOnlyTheSummary() {
        cycle(5000, 0, 800);
        assertEquals(ScrapeFailureLog.DETAIL_LINES + 1, lines.size(), String.join("\n", lines));
        assertEquals("WARN scrape of node n0 failed: (https://n0) boom", lines.get(0));
        assertEquals("WARN 800 of 5000 nodes failed to scrape this cycle {not_started=400, timeout=400}, e.g. n0, n1, n2, n3, n4; "
                + "790 more nodes started failing (not listed one by one)", lines.get(lines.size() - 1));

        lines.clear();
        cycle(5000, 0, 800);
        assertEquals(List.of("WARN 800 of 5000 nodes failed to scrape this cycle {not_started=400, timeout=400}, e.g. n0, n1, n2, n3, n4"),
                lines, "still failing: the summary only");

        lines.clear();
        cycle(5000, 0, 1);
        assertEquals(ScrapeFailureLog.DETAIL_LINES + 2, lines.size(), String.join("\n", lines));
        assertTrue(lines.contains("INFO scrape of node n1 succeeded again"));
        assertTrue(lines.contains("INFO 789 more nodes scraped successfully again"));
        assertTrue(lines.contains("WARN 1 of 5000 nodes failed to scrape this cycle {timeout=1}, e.g. n0"));

        lines.clear();
        cycle(5000, 0, 0);
        assertEquals(List.of("INFO scrape of node n0 succeeded again"), lines);
        lines.clear();
        cycle(5000, 0, 0);
        assertEquals(List.of(), lines, "a quiet cycle logs nothing");
    }

    @Test
    void nodesNotScrapedYetAreOneInfoLineNotFailures() {
        for (int i = 0; i < 900; i++) {
            log.pending("n" + i, i < 600);
        }
        for (int i = 900; i < 1000; i++) {
            log.succeeded("n" + i);
        }
        log.endCycle(1000);
        assertEquals(List.of("INFO 900 of 1000 nodes pending at the end of this cycle: 600 scrapes still running,"
                + " carried into the next cycle; 300 not started for want of a slot; not counted as failed"), lines);
        assertTrue(!log.isFailing("n0"));

        lines.clear();
        cycle(1000, 0, 0);
        assertEquals(List.of(), lines, "a pending node that then succeeds was never failing: no recovery line");
    }
}
