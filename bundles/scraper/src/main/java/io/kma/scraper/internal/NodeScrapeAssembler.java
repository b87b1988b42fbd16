package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;

/**
 * Collects the samples of one kubelet response and applies upstream's completeness rules
 * (reference §2.3) when building the {@link NodeScrape}:
 * <ul>
 * <li>the node point is dropped when its timestamp, CPU or memory is zero;</li>
 * <li>a container whose values are all zero (CPU, memory, start time) is ignored;</li>
 * <li>a pod with any other container lacking CPU or memory is dropped for this batch, because a pod
 * is only served when all of its containers are (so a container with only a start time drops its pod,
 * as upstream).</li>
 * </ul>
 * For a node or a container, the last CPU or memory sample parsed sets the timestamp.
 */
final class NodeScrapeAssembler {

    private record ContainerKey(String namespace, String pod, String container) {
    }

    private record PodKey(String namespace, String pod) {
    }

    private static final class Point {
        long timestamp;
        long cpu;
        long memory;
        long start;
    }

    private final String node;
    private long nodeTimestamp;
    private long nodeCpu;
    private long nodeMemory;
    private final Map<ContainerKey, Point> containers = new LinkedHashMap<>();
    private int droppedPods;

    NodeScrapeAssembler(String node) {
        this.node = node;
    }

    void nodeCpu(long cpuNanoSeconds, long timestampNanos) {
        nodeCpu = cpuNanoSeconds;
        nodeTimestamp = timestampNanos;
    }

    void nodeMemory(long bytes, long timestampNanos) {
        nodeMemory = bytes;
        nodeTimestamp = timestampNanos;
    }

    void containerCpu(String namespace, String pod, String container, long cpuNanoSeconds, long timestampNanos) {
        Point p = point(namespace, pod, container);
        p.cpu = cpuNanoSeconds;
        p.timestamp = timestampNanos;
    }

    void containerMemory(String namespace, String pod, String container, long bytes, long timestampNanos) {
        Point p = point(namespace, pod, container);
        p.memory = bytes;
        p.timestamp = timestampNanos;
    }

    void containerStart(String namespace, String pod, String container, long startNanos) {
        point(namespace, pod, container).start = startNanos;
    }

    private Point point(String namespace, String pod, String container) {
        return containers.computeIfAbsent(new ContainerKey(namespace, pod, container), k -> new Point());
    }

    /** Pods dropped by the completeness rule in the last {@link #build()}, for debug logging. */
    int droppedPods() {
        return droppedPods;
    }

    NodeScrape build() {
        MetricPoint nodePoint = nodeTimestamp == 0 || nodeCpu == 0 || nodeMemory == 0
                ? null : new MetricPoint(nodeTimestamp, nodeCpu, nodeMemory, 0);
        Map<PodKey, List<ContainerSample>> pods = new LinkedHashMap<>();
        Map<PodKey, Boolean> incomplete = new HashMap<>();
        for (Map.Entry<ContainerKey, Point> e : containers.entrySet()) {
            ContainerKey k = e.getKey();
            Point p = e.getValue();
            PodKey pk = new PodKey(k.namespace(), k.pod());
            if (p.cpu == 0 && p.memory == 0 && p.start == 0) {
                continue;
            }
            if (p.cpu == 0 || p.memory == 0 || p.timestamp == 0) {
                incomplete.put(pk, Boolean.TRUE);
                continue;
            }
            pods.computeIfAbsent(pk, x -> new ArrayList<>(4))
                    .add(new ContainerSample(k.namespace(), k.pod(), k.container(),
                            new MetricPoint(p.timestamp, p.cpu, p.memory, p.start)));
        }
        List<ContainerSample> out = new ArrayList<>(containers.size());
        droppedPods = 0;
        for (Map.Entry<PodKey, List<ContainerSample>> e : pods.entrySet()) {
            if (incomplete.containsKey(e.getKey())) {
                continue;
            }
            out.addAll(e.getValue());
        }
        droppedPods = incomplete.size();
        return new NodeScrape(node, nodePoint, out);
    }
}
