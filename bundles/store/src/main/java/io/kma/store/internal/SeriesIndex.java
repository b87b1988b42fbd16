package io.kma.store.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.Usage;

/**
 * Every node's and pod's series, kept in place: a node's scrape updates that node's series and its pods
 * as soon as it arrives (point pairs overwritten, usage recomputed), nothing else is touched, and nothing
 * is rebuilt per cycle. {@link #endCycle} bridges failed nodes for one cycle and prunes nodes that were
 * neither stored nor failed since the previous call.
 *
 * <p>Writers are serialised by the caller; readers use the concurrent maps and each series' volatile usage
 * without locking, so they may see one node's new pods next to another node's older ones, never a
 * half-updated pod.
 */
final class SeriesIndex {

    private final StringInterner names;
    private final Map<String, NodeSeries> nodes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, PodSeries>> pods = new ConcurrentHashMap<>();
    /** The pods of the node being stored as its previous scrape had them, and the walk's position in them. */
    private List<PodSeries> lastScrape = List.of();
    private int lastScrapeAt;
    private int cycle = 1;
    private volatile int servableNodes;
    private volatile int servablePods;
    private volatile int servableContainers;

    // What happened since the last endCycle, for the one summary log line per cycle.
    int decreased;
    String decreasedExample;
    int duplicates;
    String duplicateExample;
    int carriedCount;
    int droppedAfterSecondFailure;

    SeriesIndex(StringInterner names) {
        this.names = names;
    }

    NodeSeries node(String name) {
        return nodes.get(name);
    }

    PodSeries pod(String namespace, String name) {
        Map<String, PodSeries> ns = pods.get(namespace);
        return ns == null ? null : ns.get(name);
    }

    int nodeCount() {
        return nodes.size();
    }

    int podCount() {
        int n = 0;
        for (Map<String, PodSeries> ns : pods.values()) {
            n += ns.size();
        }
        return n;
    }

    int servableNodes() {
        return servableNodes;
    }

    int servablePods() {
        return servablePods;
    }

    int servableContainers() {
        return servableContainers;
    }

    boolean ready() {
        return servableNodes > 0 && servablePods > 0;
    }

    /** Stores one node's scrape; a second scrape of the same node within one cycle is a duplicate. */
    void store(NodeScrape scrape, long resolutionNanos) {
        NodeSeries node = nodes.get(scrape.node());
        if (node == null) {
            node = new NodeSeries(scrape.node());
            nodes.put(node.name, node);
        } else if (node.cycle == cycle) {
            duplicate("node " + scrape.node());
            return;
        }
        node.cycle = cycle;
        node.carried = false;
        storeNodePoint(node, scrape.nodePoint(), resolutionNanos);
        List<PodSeries> before = node.pods;
        List<PodSeries> now = new ArrayList<>(Math.max(4, before.size()));
        List<ContainerSample> containers = scrape.containers();
        if (containers != null && !containers.isEmpty()) {
            lastScrape = before;
            lastScrapeAt = 0;
            storeContainers(node, containers, resolutionNanos, now);
            lastScrape = List.of();
        }
        node.pods = now;
        for (PodSeries p : before) {
            if (p.node == node && p.cycle != cycle) {
                removePod(p); // no longer reported by its node
            }
        }
    }

    private void storeNodePoint(NodeSeries node, MetricPoint x, long resolutionNanos) {
        NodeUsage old = node.usage;
        NodeUsage usage = null;
        if (x == null) {
            node.pair = null;
        } else {
            long[] pair = node.pair;
            if (pair == null) {
                pair = new long[PointPairs.WIDTH];
                PointPairs.store(null, 0, x, false, resolutionNanos, pair, 0);
                node.pair = pair;
            } else {
                PointPairs.store(pair, 0, x, false, resolutionNanos, pair, 0);
            }
            long cpu = PointPairs.rateOf(pair, 0);
            if (cpu >= 0) {
                usage = new NodeUsage(node.name, pair[PointPairs.LAST_T], PointPairs.window(pair, 0),
                        new Usage(cpu, pair[PointPairs.LAST_MEM]));
            } else if (cpu == PointPairs.DECREASED) {
                decreased("node " + node.name);
            }
        }
        node.usage = usage;
        servableNodes += (usage == null ? 0 : 1) - (old == null ? 0 : 1);
    }

    private void storeContainers(NodeSeries node, List<ContainerSample> samples, long resolutionNanos,
            List<PodSeries> into) {
        ContainerSample[] sorted = new ContainerSample[samples.size()];
        int n = 0;
        for (ContainerSample s : samples) {
            // The scraper sends complete samples only; a broken one must not cost the whole node.
            if (s != null && s.namespace() != null && s.pod() != null && s.container() != null && s.point() != null) {
                sorted[n++] = s;
            }
        }
        if (n < sorted.length) {
            sorted = Arrays.copyOf(sorted, n);
        }
        Arrays.sort(sorted, SeriesIndex::byPodThenContainer);
        int start = 0;
        while (start < sorted.length) {
            int end = start + 1;
            while (end < sorted.length && sorted[end].pod().equals(sorted[start].pod())
                    && sorted[end].namespace().equals(sorted[start].namespace())) {
                end++;
            }
            PodSeries p = storePod(node, sorted, start, end, resolutionNanos);
            if (p != null) {
                into.add(p);
            }
            start = end;
        }
    }

    /** Groups a node's containers by pod, sorted by container name within each pod. */
    private static int byPodThenContainer(ContainerSample a, ContainerSample b) {
        int c = compare(a.namespace(), b.namespace());
        if (c == 0) {
            c = compare(a.pod(), b.pod());
        }
        return c != 0 ? c : compare(a.container(), b.container());
    }

    /**
     * String order, without reading the characters when both are the same instance: the scraper's names are
     * interned, so in the steady state a scrape's names are mostly the very Strings its series already hold.
     */
    private static int compare(String a, String b) {
        return a == b ? 0 : a.compareTo(b);
    }

    /**
     * The series the index maps this pod to, found without a lookup when the node's previous scrape had it
     * (both are sorted by namespace, then pod: a walk beside it); null when that scrape did not have it.
     */
    private PodSeries inLastScrape(String namespace, String pod) {
        while (lastScrapeAt < lastScrape.size()) {
            PodSeries p = lastScrape.get(lastScrapeAt);
            int c = compare(p.namespace, namespace);
            if (c == 0) {
                c = compare(p.name, pod);
            }
            if (c > 0) {
                return null;
            }
            lastScrapeAt++;
            if (c == 0) {
                return p.current() ? p : null; // not current: replaced or removed since, so look it up
            }
        }
        return null;
    }

    /** True when the distinct containers of {@code sorted[from, to)} are {@code names} (sorted). */
    private static boolean sameContainers(ContainerSample[] sorted, int from, int to, String[] names) {
        int c = 0;
        for (int i = from; i < to; i++) {
            if (i == from || !sorted[i].container().equals(sorted[i - 1].container())) {
                if (c == names.length || !names[c].equals(sorted[i].container())) {
                    return false;
                }
                c++;
            }
        }
        return c == names.length;
    }

    /** Stores one pod from {@code sorted[from, to)}; null when another node reported it first this cycle. */
    private PodSeries storePod(NodeSeries node, ContainerSample[] sorted, int from, int to, long resolutionNanos) {
        String pod = sorted[from].pod();
        PodSeries previous = inLastScrape(sorted[from].namespace(), pod);
        String namespace;
        if (previous != null) {
            namespace = previous.namespace; // interned, and the same pod: no lookup in steady state
        } else {
            namespace = names.intern(sorted[from].namespace());
            Map<String, PodSeries> inNamespace = pods.get(namespace);
            previous = inNamespace == null ? null : inNamespace.get(pod);
        }
        if (previous != null && previous.cycle == cycle) {
            // Two kubelets reported the same pod in one cycle: as upstream, the first one wins.
            duplicate("pod " + namespace + "/" + pod);
            return null;
        }
        String[] containers = previous != null && sameContainers(sorted, from, to, previous.containers)
                ? previous.containers
                : distinctContainers(sorted, from, to);
        PodSeries series;
        if (previous != null && containers == previous.containers) {
            series = previous; // the common case: same containers, pairs overwritten in place
            series.beginWrite();
            int c = 0;
            for (int i = from; i < to; i++) {
                if (i == from || !sorted[i].container().equals(sorted[i - 1].container())) {
                    PointPairs.store(series.pairs, c * PointPairs.WIDTH, sorted[i].point(), true, resolutionNanos,
                            series.pairs, c * PointPairs.WIDTH);
                    c++;
                }
            }
        } else {
            series = new PodSeries(namespace, pod, containers);
            series.beginWrite();
            int c = 0;
            for (int i = from; i < to; i++) {
                if (i == from || !sorted[i].container().equals(sorted[i - 1].container())) {
                    int oldIndex = previous == null ? -1 : Arrays.binarySearch(previous.containers, containers[c]);
                    PointPairs.store(oldIndex < 0 ? null : previous.pairs, oldIndex * PointPairs.WIDTH,
                            sorted[i].point(), true, resolutionNanos, series.pairs, c * PointPairs.WIDTH);
                    c++;
                }
            }
        }
        series.node = node;
        series.cycle = cycle;
        setServed(series, servable(series));
        series.endWrite();
        if (series != previous) {
            if (previous != null) {
                setServed(previous, 0);
                previous.indexed(false);
            }
            pods.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>()).put(pod, series);
            series.indexed(true);
        }
        return series;
    }

    /** The pod's container names, sorted and interned; the same container twice: the first one wins. */
    private String[] distinctContainers(ContainerSample[] sorted, int from, int to) {
        int count = 1;
        for (int i = from + 1; i < to; i++) {
            if (!sorted[i].container().equals(sorted[i - 1].container())) {
                count++;
            }
        }
        String[] containers = new String[count];
        int c = 0;
        for (int i = from; i < to; i++) {
            if (i == from || !sorted[i].container().equals(sorted[i - 1].container())) {
                containers[c++] = names.intern(sorted[i].container());
            }
        }
        return containers;
    }

    private void setServed(PodSeries series, int containers) {
        int old = series.servedContainers();
        series.served(containers);
        servablePods += (containers == 0 ? 0 : 1) - (old == 0 ? 0 : 1);
        servableContainers += containers - old;
    }

    /**
     * Containers of the pod with a usable rate ({@link PodSeries#servable}); containers whose counter went
     * down are counted for the cycle's log line.
     */
    private int servable(PodSeries series) {
        long[] pairs = series.pairs;
        int n = PodSeries.servable(pairs, series.containers.length);
        if (n == series.containers.length) {
            return n;
        }
        for (int c = 0; c < series.containers.length; c++) {
            if (!PointPairs.hasPrev(pairs, c * PointPairs.WIDTH)) {
                return n; // not served yet: nothing went down
            }
        }
        for (int c = 0; c < series.containers.length; c++) {
            if (PointPairs.rateOf(pairs, c * PointPairs.WIDTH) < 0) {
                decreased("container " + series.namespace + "/" + series.name + "/" + series.containers[c]);
            }
        }
        return n;
    }

    private void removePod(PodSeries p) {
        Map<String, PodSeries> ns = pods.get(p.namespace);
        if (ns != null && ns.remove(p.name, p)) {
            setServed(p, 0);
            p.indexed(false);
            if (ns.isEmpty()) {
                pods.remove(p.namespace, ns);
            }
        }
    }

    private void removeNode(NodeSeries node) {
        nodes.remove(node.name, node);
        if (node.usage != null) {
            node.usage = null;
            servableNodes--;
        }
        for (PodSeries p : node.pods) {
            if (p.node == node) {
                removePod(p);
            }
        }
        node.pods = List.of();
    }

    /**
     * Closes a cycle. A node stored since the last call is current. A failed node that was not bridged in
     * the previous cycle keeps its series and pods for this one; one already bridged is dropped (second
     * failure in a row). Any other node has left the cluster (or the selection) and is pruned.
     */
    void endCycle(Set<String> failed) {
        Iterator<NodeSeries> it = nodes.values().iterator();
        while (it.hasNext()) {
            NodeSeries node = it.next();
            if (node.cycle == cycle) {
                continue;
            }
            if (failed != null && failed.contains(node.name)) {
                if (node.carried) {
                    droppedAfterSecondFailure++;
                    removeNode(node);
                } else {
                    node.carried = true;
                    carriedCount++;
                }
            } else {
                removeNode(node);
            }
        }
        cycle++;
        names.nextCycle();
    }

    /** Resets the per-cycle counters after they were logged. */
    void resetCycleCounters() {
        decreased = 0;
        decreasedExample = null;
        duplicates = 0;
        duplicateExample = null;
        carriedCount = 0;
        droppedAfterSecondFailure = 0;
    }

    private void decreased(String what) {
        if (decreased++ == 0) {
            decreasedExample = what;
        }
    }

    private void duplicate(String what) {
        if (duplicates++ == 0) {
            duplicateExample = what;
        }
    }
}
