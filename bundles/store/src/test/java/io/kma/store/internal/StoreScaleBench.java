package io.kma.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;

/**
 * DESIGN.md §6 scale (5,000 nodes × 70 pods × 2 containers): times store() and the podUsage reads of
 * one full pod list. Opt-in, because it needs about 1 GiB of heap and a few seconds:
 * {@code mvn -o -pl bundles/store test -Dtest=StoreScaleBench -Dkma.bench=true}. Numbers are printed,
 * never asserted.
 */
class StoreScaleBench {

    private static final int NODES = 5_000;
    private static final int PODS_PER_NODE = 70;
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void storeAndReadAtDesignScale() {
        assumeTrue(Boolean.getBoolean("kma.bench"), "opt-in: -Dkma.bench=true");
        InMemoryMetricsStore store = new InMemoryMetricsStore(15_000);
        String[] namespaces = new String[NODES * PODS_PER_NODE];
        String[] pods = new String[namespaces.length];
        int cycles = 6;
        long[] storeMillis = new long[cycles];
        long[] storeCpuMillis = new long[cycles];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int cycle = 0; cycle < cycles; cycle++) {
            ScrapeBatch batch = batch(cycle, namespaces, pods);
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            store.store(batch);
            storeCpuMillis[cycle] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000L;
            storeMillis[cycle] = (System.nanoTime() - start) / 1_000_000L;
        }
        assertEquals(NODES * PODS_PER_NODE * 2, store.containerSeries());

        int passes = 5;
        long[] readNanosPerPod = new long[passes];
        long checksum = 0;
        for (int pass = 0; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int i = 0; i < pods.length; i++) {
                PodUsage u = store.podUsage(namespaces[i], pods[i]).orElseThrow();
                checksum += u.containers().size();
            }
            readNanosPerPod[pass] = (System.nanoTime() - start) / pods.length;
        }
        long nodeStart = System.nanoTime();
        for (int n = 0; n < NODES; n++) {
            checksum += store.nodeUsage("node-" + n).orElseThrow().usage().cpuNanoCores() > 0 ? 1 : 0;
        }
        long nodeMicros = (System.nanoTime() - nodeStart) / 1_000L;
        assertEquals((long) passes * pods.length * 2 + NODES, checksum);
        System.out.printf("store() of %d nodes x %d pods x 2 containers, ms per cycle: %s (writer thread cpu ms: %s)%n",
                NODES, PODS_PER_NODE, Arrays.toString(storeMillis), Arrays.toString(storeCpuMillis));
        System.out.printf("podUsage over all %d pods, ns per call per pass: %s (one full list: %.1f ms)%n", pods.length,
                Arrays.toString(readNanosPerPod), readNanosPerPod[passes - 1] * pods.length / 1e6);
        System.out.printf("nodeUsage over all %d nodes: %d us%n", NODES, nodeMicros);
    }

    private static ScrapeBatch batch(int cycle, String[] namespaces, String[] pods) {
        List<NodeScrape> scraped = new ArrayList<>(NODES);
        long t = T0 + cycle * 15_000_000_000L;
        int k = 0;
        for (int n = 0; n < NODES; n++) {
            List<ContainerSample> samples = new ArrayList<>(PODS_PER_NODE * 2);
            for (int p = 0; p < PODS_PER_NODE; p++) {
                String ns = "namespace-" + (k % 100);
                String pod = "deployment-" + (k / 10) + "-7d9f8c6b5d-" + (k % 10);
                namespaces[k] = ns;
                pods[k] = pod;
                k++;
                samples.add(new ContainerSample(ns, pod, "app",
                        new MetricPoint(t, (cycle + 1) * 1_000_000_000L + p, 50_000_000L, T0 - 3_600_000_000_000L)));
                samples.add(new ContainerSample(ns, pod, "istio-proxy",
                        new MetricPoint(t, (cycle + 1) * 500_000_000L + p, 30_000_000L, T0 - 3_600_000_000_000L)));
            }
            scraped.add(new NodeScrape("node-" + n, new MetricPoint(t, (cycle + 1) * 100_000_000_000L, 1L << 32, 0),
                    samples));
        }
        return new ScrapeBatch(scraped, Set.of());
    }
}
