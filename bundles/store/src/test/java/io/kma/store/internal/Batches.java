package io.kma.store.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;

/** Small builder of scrape batches for the tests. Times in seconds from an arbitrary epoch. */
final class Batches {

    static final long T0 = 1_700_000_000_000_000_000L;

    private final List<NodeScrape> scraped = new ArrayList<>();
    private final Set<String> failed = new HashSet<>();
    private String node;
    private MetricPoint nodePoint;
    private List<ContainerSample> containers;

    static Batches batch() {
        return new Batches();
    }

    static long at(double seconds) {
        return T0 + Math.round(seconds * 1e9);
    }

    static long cores(double coreSeconds) {
        return Math.round(coreSeconds * 1e9);
    }

    /** A point at T0+t seconds with cumulative cpu in core-seconds, memory bytes, start at T0+start seconds (NaN: unknown). */
    static MetricPoint point(double t, double cpuCoreSeconds, long memory, double start) {
        return new MetricPoint(at(t), cores(cpuCoreSeconds), memory, Double.isNaN(start) ? 0 : at(start));
    }

    Batches node(String name, double t, double cpuCoreSeconds, long memory) {
        flush();
        node = name;
        nodePoint = new MetricPoint(at(t), cores(cpuCoreSeconds), memory, 0);
        containers = new ArrayList<>();
        return this;
    }

    /** A node that reported containers but no complete node sample. */
    Batches nodeWithoutPoint(String name) {
        flush();
        node = name;
        nodePoint = null;
        containers = new ArrayList<>();
        return this;
    }

    Batches container(String ns, String pod, String container, double t, double cpuCoreSeconds, long memory,
            double start) {
        containers.add(new ContainerSample(ns, pod, container, point(t, cpuCoreSeconds, memory, start)));
        return this;
    }

    Batches failed(String... names) {
        failed.addAll(List.of(names));
        return this;
    }

    ScrapeBatch build() {
        flush();
        return new ScrapeBatch(List.copyOf(scraped), Set.copyOf(failed));
    }

    private void flush() {
        if (node != null) {
            scraped.add(new NodeScrape(node, nodePoint, List.copyOf(containers)));
            node = null;
        }
    }
}
