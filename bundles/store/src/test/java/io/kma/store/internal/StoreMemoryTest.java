package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;

/** Reports the retained heap per container series; asserts only a generous bound. */
class StoreMemoryTest {

    private static final int NODES = 500;
    private static final int PODS_PER_NODE = 100;
    private static final int CONTAINERS_PER_POD = 2;
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void bytesPerContainerSeries() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        InMemoryMetricsStore store = new InMemoryMetricsStore(15_000);
        long before = usedAfterGc(memory);

        store.store(batch(0));
        store.store(batch(1));

        long after = usedAfterGc(memory);
        int series = NODES * PODS_PER_NODE * CONTAINERS_PER_POD;
        assertEquals(series, store.containerSeries(), "every container series is servable");
        assertEquals(NODES, store.nodeSeries());
        double perSeries = (double) (after - before) / series;
        System.out.printf("store memory: %d container series + %d nodes retain %d bytes: %.1f bytes per container series "
                + "(pod names and precomputed usages included)%n", series, NODES, after - before, perSeries);
        assertTrue(perSeries < 1024, "generous bound: " + perSeries);
    }

    /** Builds a cycle as the parser would: fresh String instances for every label value. */
    private static ScrapeBatch batch(int cycle) {
        List<NodeScrape> scraped = new ArrayList<>(NODES);
        long t = T0 + cycle * 15_000_000_000L;
        for (int n = 0; n < NODES; n++) {
            List<ContainerSample> samples = new ArrayList<>(PODS_PER_NODE * CONTAINERS_PER_POD);
            for (int p = 0; p < PODS_PER_NODE; p++) {
                String ns = new String("namespace-" + (p % 10));
                String pod = "deployment-" + n + "-7d9f8c6b5d-" + p;
                for (int c = 0; c < CONTAINERS_PER_POD; c++) {
                    String container = new String(c == 0 ? "app" : "istio-proxy");
                    samples.add(new ContainerSample(ns, pod, container,
                            new MetricPoint(t, (cycle + 1) * 1_000_000_000L + p, 50_000_000L + p, T0 - 3_600_000_000_000L)));
                }
            }
            scraped.add(new NodeScrape("node-" + n, new MetricPoint(t, (cycle + 1) * 100_000_000_000L, 1L << 32, 0),
                    samples));
        }
        return new ScrapeBatch(scraped, Set.of());
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
