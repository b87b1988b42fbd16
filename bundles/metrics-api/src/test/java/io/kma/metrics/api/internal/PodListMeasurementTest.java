package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;
import io.kma.shared.metrics.Histogram;

/**
 * Streams a large PodMetricsList into a counting sink and reports time and allocation (never asserted).
 * 20,000 pods by default to stay fast; {@code -Dkma.measure.pods=350000} for the full measurement.
 */
class PodListMeasurementTest {

    /** Counts bytes and keeps none: proves the list needs no buffer of the whole answer. */
    private static final class CountingSink extends OutputStream {
        long bytes;
        int lastNewline = -1;

        @Override public void write(int b) {
            bytes++;
        }

        @Override public void write(byte[] b, int off, int len) {
            bytes += len;
            if (len > 0 && b[off + len - 1] == '\n') {
                lastNewline = 1;
            }
        }
    }

    @Test
    void streamsLargePodListWithoutBuffering() throws Exception {
        int count = Integer.getInteger("kma.measure.pods", 20_000);
        List<PodInfo> pods = new ArrayList<>(count);
        List<PodUsage> usages = new ArrayList<>(count);
        long ts = DocumentsTest.nanos("2026-08-04T10:00:01Z");
        for (int i = 0; i < count; i++) {
            String ns = "namespace-" + (i / 70);
            String name = "deployment-" + (i % 70) + "-7d4b9c8f6d-x" + i;
            pods.add(new PodInfo(ns, name, Map.of("app", "app-" + (i % 70), "pod-template-hash", "7d4b9c8f6d"), null));
            usages.add(new PodUsage(ns, name, ts, 15_012_000_000L, List.of(
                    new ContainerUsage("app", new Usage(4_710_169L + i, 12_533_760L + 4096L * (i % 100))),
                    new ContainerUsage("sidecar", new Usage(1_500_000L, 5 * 1024 * 1024L)))));
        }
        Generators generators = new Generators();
        Histogram freshness = SelfMetrics.newFreshnessHistogram();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        CountingSink sink = null;
        long bestNanos = Long.MAX_VALUE;
        long allocated = 0;
        for (int round = 0; round < 3; round++) { // first rounds warm the JIT
            sink = new CountingSink();
            long alloc0 = mx.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            try (JsonGenerator g = generators.createForMetrics(sink, false)) {
                MetricsWriter w = new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, ts + 4_000_000_000L, freshness);
                w.startList("PodMetricsList");
                for (int i = 0; i < count; i++) {
                    w.pod(pods.get(i), usages.get(i));
                }
                w.endList();
                Generators.finish(g, false);
            }
            long took = System.nanoTime() - t0;
            allocated = mx.getThreadAllocatedBytes(tid) - alloc0;
            bestNanos = Math.min(bestNanos, took);
        }
        System.out.printf("PodMetricsList of %d pods (2 containers each): %d bytes, best of 3 %.1f ms, %d bytes allocated"
                + " (%.0f B/pod)%n", count, sink.bytes, bestNanos / 1e6, allocated, (double) allocated / count);
        assertTrue(sink.bytes > 300L * count, "every pod written: " + sink.bytes);
        assertEquals(1, sink.lastNewline, "body ends with Go's newline");
        StringBuilder metrics = new StringBuilder();
        freshness.writeSamples(metrics, "f", "");
        assertTrue(metrics.toString().contains("f_count " + 3L * count), "one observation per item");
    }
}
