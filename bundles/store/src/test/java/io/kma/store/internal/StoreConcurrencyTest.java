package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;

/** Readers running while cycles are written only ever see whole, consistent pod usages. */
class StoreConcurrencyTest {

    private static final int PODS = 200;
    private static final int CYCLES = 60;
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long STEP = 15_000_000_000L;

    @Test
    void readersSeeOnlyCompleteCycles() throws Exception {
        InMemoryMetricsStore store = new InMemoryMetricsStore(15_000);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                results.add(readers.submit(() -> readUntil(store)));
            }
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                store.store(batch(cycle));
            }
            int seen = 0;
            for (Future<Integer> f : results) {
                seen += f.get(30, TimeUnit.SECONDS);
            }
            System.out.println("concurrent reads checked: " + seen);
            assertTrue(seen > 0);
        } finally {
            readers.shutdownNow();
        }
    }

    /** Reads every pod until the last cycle is visible (bounded), checking each usage is self-consistent. */
    private static int readUntil(InMemoryMetricsStore store) {
        int checked = 0;
        long lastTimestamp = T0 + (CYCLES - 1) * STEP;
        for (int pass = 0; pass < 1_000_000; pass++) {
            boolean done = false;
            for (int p = 0; p < PODS; p++) {
                PodUsage u = store.podUsage("ns", "pod-" + p).orElse(null);
                if (u == null) {
                    continue;
                }
                assertEquals(List.of("a", "b"), u.containers().stream().map(c -> c.name()).toList());
                assertEquals(STEP, u.windowNanos());
                // both containers use 1 core, so every cycle yields exactly 1e9 nanocores
                assertEquals(1_000_000_000L, u.containers().get(0).usage().cpuNanoCores());
                assertEquals(1_000_000_000L, u.containers().get(1).usage().cpuNanoCores());
                checked++;
                done |= u.timestampNanos() == lastTimestamp;
            }
            if (done) {
                break;
            }
        }
        return checked;
    }

    private static ScrapeBatch batch(int cycle) {
        long t = T0 + cycle * STEP;
        long cpu = cycle * 15_000_000_000L;
        List<ContainerSample> samples = new ArrayList<>();
        for (int p = 0; p < PODS; p++) {
            for (String c : new String[] {"b", "a"}) {
                samples.add(new ContainerSample("ns", "pod-" + p, c, new MetricPoint(t, cpu, 1000, T0 - 3_600_000_000_000L)));
            }
        }
        return new ScrapeBatch(List.of(new NodeScrape("n1", new MetricPoint(t, cpu, 1000, 0), samples)), Set.of());
    }
}
