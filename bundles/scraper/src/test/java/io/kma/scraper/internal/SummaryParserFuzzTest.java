package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;

/**
 * Any /stats/summary body either parses into usable points or fails with {@link MalformedMetricsException}.
 * Seeds and crashes: src/test/resources/io/kma/scraper/internal/SummaryParserFuzzTestInputs/parse/.
 */
class SummaryParserFuzzTest {

    private static final JsonFactory JSON = new JsonFactory();

    @FuzzTest(maxDuration = "5s")
    void parse(byte[] body) {
        NodeScrapeAssembler out = new NodeScrapeAssembler("node");
        try {
            new SummaryParser(JSON, new Interner(8)).parse(body, body.length, out);
        } catch (MalformedMetricsException e) {
            assertTrue(e.getMessage() != null && e.getMessage().length() < 1024, "bounded error text");
            return;
        }
        ResourceMetricsParserFuzzTest.assertUsable(out.build());
    }
}
