package io.kma.scraper.internal;

import java.util.Arrays;

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
 * For a node or a container, the last CPU or memory sample parsed sets the timestamp. The scrape lists
 * pods in the order they first appeared, each pod's containers together.
 *
 * <p>Runs once per node per cycle (hundreds of times a second at 5,000 nodes), so it allocates no key
 * objects: a kubelet prints every container family in the same series order, so after the first family
 * the next line's container is, almost always, the one after the previous line's ({@link #cursor});
 * only a line out of that order pays a lookup in an open-addressing table of indexes.
 */
final class NodeScrapeAssembler {

    /** Containers up to which {@link #reset} keeps the tables for the next scrape (≤ 24 KB of arrays). */
    static final int REUSABLE_CONTAINERS = 1_024;

    /**
     * A new one per container and scrape, on purpose: refilling the previous scrape's (old-generation) points
     * halved the bytes allocated but cost ~35 us more CPU per node in AssemblerLoop (old-to-young stores).
     */
    private static final class Point {
        final String namespace;
        final String pod;
        final String container;
        final int podIndex;
        /** Where this point's label set was first read in body number {@link #labelsBody}, or -1. */
        int labelsFrom = -1;
        int labelsLength;
        int labelsBody;
        long timestamp;
        long cpu;
        long memory;
        long start;

        Point(String namespace, String pod, String container, int podIndex) {
            this.namespace = namespace;
            this.pod = pod;
            this.container = container;
            this.podIndex = podIndex;
        }

        boolean is(String ns, String p, String c) {
            // the parser's names are interned, so identity is the usual match
            return (container == c || container.equals(c)) && (pod == p || pod.equals(p))
                    && (namespace == ns || namespace.equals(ns));
        }
    }

    private String node;
    private long nodeTimestamp;
    private long nodeCpu;
    private long nodeMemory;
    private Point[] points;
    private int size;
    /** Where the next line's container is expected in {@link #points}. */
    private int cursor;
    /** Open addressing: point index + 1, 0 free; at most half full. */
    private int[] table;
    /** Per pod (in first-appearance order): the index of its first container, to find the pod's index. */
    private int[] podFirst;
    private int[] podTable;
    private int pods;
    private int droppedPods;
    /** Counts {@link #newBody} calls: remembered label offsets are only good in the body they were read from. */
    private int body;

    NodeScrapeAssembler(String node) {
        this(node, 16);
    }

    /** @param expectedContainers a guess (the last scrape's count) that saves growing the tables while parsing */
    NodeScrapeAssembler(String node, int expectedContainers) {
        this.node = node;
        int capacity = Integer.highestOneBit(Math.max(16, Math.min(expectedContainers, 1 << 16)) - 1) << 1;
        points = new Point[capacity];
        table = new int[capacity * 2];
        podFirst = new int[capacity];
        podTable = new int[capacity * 2];
    }

    /**
     * Empties this assembler for the next node's scrape, keeping its tables and points, or returns false when the
     * last scrape was larger than {@link #REUSABLE_CONTAINERS} (a per-thread reused assembler must stay small:
     * the caller makes a fresh one for a larger node).
     */
    boolean reset(String nextNode) {
        if (points.length > REUSABLE_CONTAINERS) {
            return false;
        }
        node = nextNode;
        nodeTimestamp = 0;
        nodeCpu = 0;
        nodeMemory = 0;
        // the last node's points stay referenced from points[] until overwritten: the store holds their names anyway
        size = 0;
        cursor = 0;
        Arrays.fill(table, 0);
        Arrays.fill(podTable, 0);
        pods = 0;
        droppedPods = 0;
        return true;
    }

    /** Containers seen so far (complete or not), a capacity hint for the next scrape. */
    int containers() {
        return size;
    }

    void nodeCpu(long cpuNanoSeconds, long timestampNanos) {
        nodeCpu = cpuNanoSeconds;
        nodeTimestamp = timestampNanos;
    }

    void nodeMemory(long bytes, long timestampNanos) {
        nodeMemory = bytes;
        nodeTimestamp = timestampNanos;
    }

    /** @return the container's point, for the index-based methods below */
    int containerCpu(String namespace, String pod, String container, long cpuNanoSeconds, long timestampNanos) {
        int k = point(namespace, pod, container);
        containerCpu(k, cpuNanoSeconds, timestampNanos);
        return k;
    }

    /** @return the container's point, for the index-based methods below */
    int containerMemory(String namespace, String pod, String container, long bytes, long timestampNanos) {
        int k = point(namespace, pod, container);
        containerMemory(k, bytes, timestampNanos);
        return k;
    }

    /** @return the container's point, for the index-based methods below */
    int containerStart(String namespace, String pod, String container, long startNanos) {
        int k = point(namespace, pod, container);
        containerStart(k, startNanos);
        return k;
    }

    // By point: for a parser that recognised the line's container without its names (see expected()).

    void containerCpu(int point, long cpuNanoSeconds, long timestampNanos) {
        Point p = at(point);
        p.cpu = cpuNanoSeconds;
        p.timestamp = timestampNanos;
    }

    void containerMemory(int point, long bytes, long timestampNanos) {
        Point p = at(point);
        p.memory = bytes;
        p.timestamp = timestampNanos;
    }

    void containerStart(int point, long startNanos) {
        at(point).start = startNanos;
    }

    /**
     * The point the next container line most likely belongs to ({@link #cursor}: the one after the previous line's;
     * after the last one, the first, as the next family starts), or -1. A parser that finds the line's label bytes
     * equal to this point's {@link #labelsFrom remembered} ones knows the container without reading its names.
     */
    int expected() {
        return cursor < size ? cursor : size > 0 ? 0 : -1;
    }

    /** A parser starts reading another body: label offsets remembered in earlier ones no longer apply. */
    void newBody() {
        body++;
    }

    /**
     * Remembers where in the body being parsed the label set of {@code point} was read (the first time in this
     * body only): the same bytes parse to the same names, so a later line with them is the same container.
     */
    void rememberLabels(int point, int from, int length) {
        if (labelsFrom(point) < 0) {
            Point p = points[point];
            p.labelsFrom = from;
            p.labelsLength = length;
            p.labelsBody = body;
        }
    }

    /** The offset in the current body of the point's remembered label set, or -1. */
    int labelsFrom(int point) {
        Point p = points[point];
        return p.labelsBody == body ? p.labelsFrom : -1;
    }

    int labelsLength(int point) {
        return points[point].labelsLength;
    }

    private Point at(int point) {
        cursor = point + 1;
        return points[point];
    }

    private int point(String namespace, String pod, String container) {
        if (cursor < size && points[cursor].is(namespace, pod, container)) {
            return cursor;
        }
        int mask = table.length - 1;
        int h = spread((namespace.hashCode() * 31 + pod.hashCode()) * 31 + container.hashCode());
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int at = table[i];
            if (at == 0) {
                break;
            }
            if (points[at - 1].is(namespace, pod, container)) {
                return at - 1;
            }
        }
        if (size == points.length) {
            points = Arrays.copyOf(points, size * 2);
        }
        Point p = new Point(namespace, pod, container, podIndex(namespace, pod));
        points[size++] = p;
        if (size * 2 > table.length) {
            table = rehash(table.length * 2);
        } else {
            insert(table, h, size);
        }
        return size - 1;
    }

    /** The pod's index in first-appearance order, adding it when new. */
    private int podIndex(String namespace, String pod) {
        int mask = podTable.length - 1;
        int h = spread(namespace.hashCode() * 31 + pod.hashCode());
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int at = podTable[i];
            if (at == 0) {
                break;
            }
            Point first = points[podFirst[at - 1]];
            if ((first.pod == pod || first.pod.equals(pod)) && (first.namespace == namespace || first.namespace.equals(namespace))) {
                return at - 1;
            }
        }
        if (pods == podFirst.length) {
            podFirst = Arrays.copyOf(podFirst, pods * 2);
        }
        podFirst[pods++] = size; // the point about to be added at index size
        if (pods * 2 > podTable.length) {
            int[] t = new int[podTable.length * 2];
            for (int k = 0; k < pods - 1; k++) {
                Point f = points[podFirst[k]];
                insert(t, spread(f.namespace.hashCode() * 31 + f.pod.hashCode()), k + 1);
            }
            insert(t, h, pods);
            podTable = t;
        } else {
            insert(podTable, h, pods);
        }
        return pods - 1;
    }

    private int[] rehash(int length) {
        int[] t = new int[length];
        for (int k = 0; k < size; k++) {
            Point p = points[k];
            insert(t, spread((p.namespace.hashCode() * 31 + p.pod.hashCode()) * 31 + p.container.hashCode()), k + 1);
        }
        return t;
    }

    private static void insert(int[] t, int h, int value) {
        int mask = t.length - 1;
        int i = h & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = value;
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Pods dropped by the completeness rule in the last {@link #build()}, for debug logging. */
    int droppedPods() {
        return droppedPods;
    }

    NodeScrape build() {
        MetricPoint nodePoint = nodeTimestamp == 0 || nodeCpu == 0 || nodeMemory == 0
                ? null : new MetricPoint(nodeTimestamp, nodeCpu, nodeMemory, 0);
        // per pod: how many containers it contributes, or -1 when one of them is incomplete
        int[] count = new int[pods + 1];
        for (int k = 0; k < size; k++) {
            Point p = points[k];
            if (p.cpu == 0 && p.memory == 0 && p.start == 0) {
                continue;
            }
            if (p.cpu == 0 || p.memory == 0 || p.timestamp == 0) {
                count[p.podIndex] = -1;
            } else if (count[p.podIndex] >= 0) {
                count[p.podIndex]++;
            }
        }
        // each kept pod's first slot in the output (a counting sort keeps each pod's containers together)
        int kept = 0;
        int dropped = 0;
        for (int k = 0; k < pods; k++) {
            int c = count[k];
            if (c < 0) {
                dropped++;
                continue;
            }
            count[k] = kept;
            kept += c;
        }
        ContainerSample[] out = new ContainerSample[kept];
        for (int k = 0; k < size; k++) {
            Point p = points[k];
            int at = count[p.podIndex];
            if (at < 0 || p.cpu == 0 || p.memory == 0 || p.timestamp == 0) {
                continue;
            }
            out[at] = new ContainerSample(p.namespace, p.pod, p.container, new MetricPoint(p.timestamp, p.cpu, p.memory, p.start));
            count[p.podIndex] = at + 1;
        }
        droppedPods = dropped;
        return new NodeScrape(node, nodePoint, Arrays.asList(out));
    }
}
