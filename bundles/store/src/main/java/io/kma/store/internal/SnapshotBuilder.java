package io.kma.store.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;
import io.kma.api.store.Usage;

/**
 * Builds the next {@link Snapshot} from the current one and a scrape batch. The maps are rebuilt from
 * the batch, so series not in it are pruned; nodes listed as failed keep their previous series (and
 * their pods) for exactly one cycle. One builder per cycle, used by the single writer.
 */
final class SnapshotBuilder {

    private final Snapshot old;
    private final long resolutionNanos;
    private final StringInterner names;

    private final Map<String, NodeSeries> nodes;
    private final Map<String, Map<String, PodSeries>> pods = new HashMap<>();
    private final Set<String> carried = new HashSet<>();
    private int servableNodes;
    private int servablePods;
    private int servableContainers;

    // What happened in this cycle, for the one summary log line.
    int decreased;
    String decreasedExample;
    int duplicates;
    String duplicateExample;
    int carriedCount;
    int droppedAfterSecondFailure;

    SnapshotBuilder(Snapshot old, long resolutionNanos, StringInterner names) {
        this.old = old;
        this.resolutionNanos = resolutionNanos;
        this.names = names;
        this.nodes = new HashMap<>(Math.max(16, old.nodes().size() * 2));
    }

    Snapshot build(ScrapeBatch batch) {
        names.nextCycle();
        Set<String> scraped = new HashSet<>();
        for (NodeScrape scrape : batch.scraped() == null ? List.<NodeScrape>of() : batch.scraped()) {
            if (scrape == null || scrape.node() == null) {
                continue;
            }
            if (!scraped.add(scrape.node())) {
                if (duplicates++ == 0) {
                    duplicateExample = "node " + scrape.node();
                }
                continue;
            }
            if (scrape.nodePoint() != null) {
                storeNode(scrape.node(), scrape.nodePoint());
            }
            if (scrape.containers() != null && !scrape.containers().isEmpty()) {
                storeContainers(scrape.node(), scrape.containers());
            }
        }
        if (batch.failedNodes() != null && !batch.failedNodes().isEmpty()) {
            carryOver(batch.failedNodes(), scraped);
        }
        return new Snapshot(nodes, pods, carried, servableNodes, servablePods, servableContainers);
    }

    private void storeNode(String node, MetricPoint x) {
        NodeSeries previous = old.node(node);
        long[] pair = new long[PointPairs.WIDTH];
        PointPairs.store(previous == null ? null : previous.pair(), 0, x, false, resolutionNanos, pair, 0);
        NodeUsage usage = null;
        long cpu = PointPairs.rateOf(pair, 0);
        if (cpu >= 0) {
            usage = new NodeUsage(node, pair[PointPairs.LAST_T], PointPairs.window(pair, 0),
                    new Usage(cpu, pair[PointPairs.LAST_MEM]));
            servableNodes++;
        } else if (cpu == PointPairs.DECREASED) {
            if (decreased++ == 0) {
                decreasedExample = "node " + node;
            }
        }
        nodes.put(node, new NodeSeries(pair, usage));
    }

    private void storeContainers(String node, List<ContainerSample> samples) {
        ContainerSample[] sorted = new ContainerSample[samples.size()];
        int n = 0;
        for (ContainerSample s : samples) {
            // The scraper sends complete samples only; a broken one must not cost the whole cycle.
            if (s != null && s.namespace() != null && s.pod() != null && s.container() != null && s.point() != null) {
                sorted[n++] = s;
            }
        }
        if (n < sorted.length) {
            sorted = Arrays.copyOf(sorted, n);
        }
        Arrays.sort(sorted, SnapshotBuilder::byPodThenContainer);
        int start = 0;
        while (start < sorted.length) {
            int end = start + 1;
            while (end < sorted.length && sorted[end].pod().equals(sorted[start].pod())
                    && sorted[end].namespace().equals(sorted[start].namespace())) {
                end++;
            }
            storePod(node, sorted, start, end);
            start = end;
        }
    }

    /** Groups a node's containers by pod, sorted by container name within each pod. */
    private static int byPodThenContainer(ContainerSample a, ContainerSample b) {
        int c = a.namespace().compareTo(b.namespace());
        if (c == 0) {
            c = a.pod().compareTo(b.pod());
        }
        return c != 0 ? c : a.container().compareTo(b.container());
    }

    /** Stores one pod from {@code sorted[from, to)}, all of the same pod, sorted by container name. */
    private void storePod(String node, ContainerSample[] sorted, int from, int to) {
        String namespace = names.intern(sorted[from].namespace());
        String pod = sorted[from].pod();
        Map<String, PodSeries> inNamespace = pods.computeIfAbsent(namespace, k -> new HashMap<>());
        if (inNamespace.containsKey(pod)) {
            // Two kubelets reported the same pod: as upstream, the first one wins.
            if (duplicates++ == 0) {
                duplicateExample = "pod " + namespace + "/" + pod;
            }
            return;
        }
        int count = 1;
        for (int i = from + 1; i < to; i++) {
            if (!sorted[i].container().equals(sorted[i - 1].container())) {
                count++;
            }
        }
        String[] containers = new String[count];
        long[] pairs = new long[count * PointPairs.WIDTH];
        PodSeries previous = old.pod(namespace, pod);
        boolean allHavePrev = true;
        int c = 0;
        for (int i = from; i < to; i++) {
            if (i > from && sorted[i].container().equals(sorted[i - 1].container())) {
                continue; // the same container twice in one scrape: the first one wins
            }
            String name = names.intern(sorted[i].container());
            containers[c] = name;
            int oldIndex = previous == null ? -1 : Arrays.binarySearch(previous.containers(), name);
            PointPairs.store(oldIndex < 0 ? null : previous.pairs(), oldIndex * PointPairs.WIDTH,
                    sorted[i].point(), true, resolutionNanos, pairs, c * PointPairs.WIDTH);
            allHavePrev &= PointPairs.hasPrev(pairs, c * PointPairs.WIDTH);
            c++;
        }
        PodUsage usage = allHavePrev ? podUsage(namespace, pod, containers, pairs) : null;
        if (usage != null) {
            servablePods++;
            servableContainers += usage.containers().size();
        }
        inNamespace.put(pod, new PodSeries(node, containers, pairs, usage));
    }

    /**
     * Usage of a pod whose containers all have a previous point. Containers whose counter went down
     * are left out; when all are, the pod is not served (never an empty container list). Timestamp and
     * window come from the served container with the earliest last point, as upstream.
     */
    private PodUsage podUsage(String namespace, String pod, String[] containers, long[] pairs) {
        ContainerUsage[] served = new ContainerUsage[containers.length];
        int n = 0;
        long timestamp = 0;
        long window = 0;
        for (int c = 0; c < containers.length; c++) {
            int off = c * PointPairs.WIDTH;
            long cpu = PointPairs.rateOf(pairs, off);
            if (cpu < 0) {
                if (decreased++ == 0) {
                    decreasedExample = "container " + namespace + "/" + pod + "/" + containers[c];
                }
                continue;
            }
            served[n++] = new ContainerUsage(containers[c], new Usage(cpu, pairs[off + PointPairs.LAST_MEM]));
            long lastT = pairs[off + PointPairs.LAST_T];
            if (n == 1 || lastT < timestamp) {
                timestamp = lastT;
                window = PointPairs.window(pairs, off);
            }
        }
        if (n == 0) {
            return null;
        }
        return new PodUsage(namespace, pod, timestamp, window,
                List.of(n == served.length ? served : Arrays.copyOf(served, n)));
    }

    /**
     * Bridges one failed scrape: a failed node that was not bridged in the previous cycle keeps its
     * node series and its pods as they were. A node already bridged is dropped (second failure in a
     * row). Only nodes that had something to keep are marked as bridged, so a node failing forever is
     * reported once, not every other cycle.
     */
    private void carryOver(Set<String> failed, Set<String> scraped) {
        Set<String> candidates = new HashSet<>();
        for (String node : failed) {
            if (scraped.contains(node)) {
                continue; // reported both ways: the data wins
            }
            if (old.carriedNodes().contains(node)) {
                droppedAfterSecondFailure++;
            } else {
                candidates.add(node);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        for (String node : candidates) {
            NodeSeries series = old.node(node);
            if (series != null && !nodes.containsKey(node)) {
                nodes.put(node, series);
                carried.add(node);
                if (series.usage() != null) {
                    servableNodes++;
                }
            }
        }
        for (Map.Entry<String, Map<String, PodSeries>> ns : old.pods().entrySet()) {
            for (Map.Entry<String, PodSeries> p : ns.getValue().entrySet()) {
                PodSeries series = p.getValue();
                if (!candidates.contains(series.node())) {
                    continue;
                }
                carried.add(series.node());
                Map<String, PodSeries> inNamespace = pods.computeIfAbsent(ns.getKey(), k -> new HashMap<>());
                if (inNamespace.putIfAbsent(p.getKey(), series) == null && series.usage() != null) {
                    servablePods++;
                    servableContainers += series.servedContainers();
                }
            }
        }
        carriedCount = carried.size();
    }
}
