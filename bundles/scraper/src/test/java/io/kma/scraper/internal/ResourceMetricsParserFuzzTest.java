package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

/**
 * Any kubelet body either parses into points the store can use (no negative value, no wrapped or zero-marker
 * timestamp) or fails with {@link MalformedMetricsException}; nothing else escapes. Seeds and every crash found are
 * in src/test/resources/io/kma/scraper/internal/ResourceMetricsParserFuzzTestInputs/parse/ and replayed by each run.
 */
class ResourceMetricsParserFuzzTest {

    static final long REQUEST_TIME = 1_633_253_812_125_000_000L;

    @FuzzTest(maxDuration = "5s")
    void parse(byte[] body) {
        NodeScrapeAssembler out = new NodeScrapeAssembler("node");
        try {
            new ResourceMetricsParser(new Interner(8)).parse(body, body.length, REQUEST_TIME, out);
        } catch (MalformedMetricsException e) {
            assertTrue(e.getMessage() != null && e.getMessage().length() < 1024, "bounded error text");
            return;
        }
        NodeScrape s = out.build();
        assertUsable(s);
        // explicit millisecond timestamps scale to whole milliseconds; a product that wrapped around does not
        if (s.nodePoint() != null) {
            assertWholeMillis(s.nodePoint());
        }
        s.containers().forEach(c -> assertWholeMillis(c.point()));
    }

    static void assertWholeMillis(MetricPoint p) {
        assertTrue(p.timestampNanos() == REQUEST_TIME || p.timestampNanos() % 1_000_000 == 0, () -> "wrapped timestamp " + p);
    }

    static void assertUsable(NodeScrape s) {
        if (s.nodePoint() != null) {
            assertUsable(s.nodePoint());
        }
        for (ContainerSample c : s.containers()) {
            assertUsable(c.point());
        }
    }

    static void assertUsable(MetricPoint p) {
        assertTrue(p.timestampNanos() > 0, () -> "timestamp " + p);
        assertTrue(p.cpuNanoSeconds() >= 0 && p.memoryBytes() >= 0 && p.startTimeNanos() >= 0, () -> "values " + p);
    }
}
