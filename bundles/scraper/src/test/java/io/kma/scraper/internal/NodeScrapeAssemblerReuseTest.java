package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.kma.api.store.NodeScrape;

/** A reset assembler (NodeScraper keeps one per thread) builds what a fresh one builds, and stays bounded. */
class NodeScrapeAssemblerReuseTest {

    private static final long TS = 1_700_000_000_000_000_000L;
    private final Interner interner = new Interner(10);

    /** Smaller than the first node; pod q has a container without memory, so q is dropped. */
    private static final byte[] SMALL = """
            node_cpu_usage_seconds_total 12.5 1700000000000
            node_memory_working_set_bytes 2048 1700000000000
            container_cpu_usage_seconds_total{container="a",namespace="n",pod="p"} 1 1700000000000
            container_cpu_usage_seconds_total{container="b",namespace="n",pod="q"} 2 1700000000000
            container_cpu_usage_seconds_total{container="c",namespace="n",pod="q"} 3 1700000000000
            container_memory_working_set_bytes{container="a",namespace="n",pod="p"} 10 1700000000000
            container_memory_working_set_bytes{container="b",namespace="n",pod="q"} 20 1700000000000
            """.getBytes(StandardCharsets.UTF_8);

    private NodeScrape parse(NodeScrapeAssembler a, byte[] body) throws MalformedMetricsException {
        new ResourceMetricsParser(interner).parse(body, body.length, TS, a);
        return a.build();
    }

    @Test
    void aResetAssemblerBuildsWhatAFreshOneBuilds() throws Exception {
        NodeScrapeAssembler reused = new NodeScrapeAssembler("big", 140);
        assertEquals(140, parse(reused, ResourceMetricsParserBenchmark.simulatedBody(1, 70)).containers().size());
        assertTrue(reused.reset("small"));
        NodeScrape again = parse(reused, SMALL);
        NodeScrape fresh = parse(new NodeScrapeAssembler("small"), SMALL);
        assertEquals(fresh, again);
        assertEquals(1, again.containers().size());
        assertEquals(1, reused.droppedPods());
        // and back to the big node: the kept tables hold none of the small node's containers
        assertTrue(reused.reset("big"));
        assertEquals(parse(new NodeScrapeAssembler("big"), ResourceMetricsParserBenchmark.simulatedBody(1, 70)),
                parse(reused, ResourceMetricsParserBenchmark.simulatedBody(1, 70)));
    }

    @Test
    void aResetAfterTheNodeHadNoPointKeepsNone() throws Exception {
        NodeScrapeAssembler reused = new NodeScrapeAssembler("a");
        assertEquals(2048L, parse(reused, SMALL).nodePoint().memoryBytes());
        assertTrue(reused.reset("b"));
        byte[] noNode = "container_cpu_usage_seconds_total{container=\"a\",namespace=\"n\",pod=\"p\"} 1 1700000000000\n"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(null, parse(reused, noNode).nodePoint());
    }

    @Test
    void anAssemblerAboveTheBoundIsNotReused() throws Exception {
        NodeScrapeAssembler a = new NodeScrapeAssembler("huge", 16);
        assertEquals(1_200, parse(a, ResourceMetricsParserBenchmark.simulatedBody(1, 600)).containers().size());
        assertFalse(a.reset("next"));
    }
}
