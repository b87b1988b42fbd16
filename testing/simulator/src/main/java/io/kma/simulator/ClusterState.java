package io.kma.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Nodes and pods with a global resourceVersion and a bounded event history, like kube-apiserver's
 * watch cache: a watch from a resourceVersion older than the history gets 410 Gone.
 */
public final class ClusterState {
    private static final Comparator<SimPod> KUBELET_ORDER =
            Comparator.comparing((SimPod p) -> p.namespace).thenComparing(p -> p.name);

    private final ConcurrentSkipListMap<String, SimNode> nodes = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, SimPod> pods = new ConcurrentSkipListMap<>();
    private final List<SimNode> nodesByIndex = new ArrayList<>();
    private final ArrayDeque<WatchEvent> history = new ArrayDeque<>();
    private final int historyLimit;
    private final LoadProfile profile;
    private final List<Consumer<WatchEvent>> watchers = new CopyOnWriteArrayList<>();
    private long resourceVersion = 1000;
    /** Events with a resourceVersion at or below this are gone from the history. */
    private long compactedThrough = 1000;

    /** The watch registration result: events after the requested resourceVersion, or tooOld. */
    public record Subscription(List<WatchEvent> backlog, boolean tooOld, long currentVersion, long oldestAvailable) {
    }

    ClusterState(int historyLimit, LoadProfile profile) {
        this.historyLimit = historyLimit;
        this.profile = profile;
    }

    synchronized void addNode(SimNode node) {
        node.resourceVersion = ++resourceVersion;
        nodes.put(node.name, node);
        nodesByIndex.add(node);
        record(new WatchEvent("ADDED", "nodes", node.resourceVersion, node, null));
    }

    /** Adds the initial pods in one go (no per-pod sort) and records ADDED events. */
    synchronized void addInitialPods(SimNode node, int count, long nowEpochSecond) {
        SimPod[] list = new SimPod[count];
        for (int j = 0; j < count; j++) {
            // started an hour ago and staggered, so no container looks "fresh" to a scraper
            list[j] = newPod(node, j, nowEpochSecond - 3600 - (j % 60) * 60L);
            pods.put(list[j].key(), list[j]);
            record(new WatchEvent("ADDED", "pods", list[j].resourceVersion, list[j], null));
        }
        node.nextPodIndex = count;
        Arrays.sort(list, KUBELET_ORDER);
        node.load = new SimNode.Load(list, 0);
    }

    private SimPod newPod(SimNode node, int j, long startEpochSecond) {
        SimContainer[] cs = new SimContainer[profile.containersPerPod()];
        for (int k = 0; k < cs.length; k++) {
            cs[k] = new SimContainer(LoadProfile.containerName(k), LoadProfile.containerMillicores(node.index, j, k),
                    LoadProfile.containerMemoryBytes(j, k), startEpochSecond, 0);
        }
        long rv = ++resourceVersion;
        return new SimPod(LoadProfile.podName(node.index, j), profile.namespace(node.index, j), node.index, j, rv,
                startEpochSecond - 5, rv, Labels.app(j), cs, "Running");
    }

    /** Pod churn: a new pod on the node, started now. */
    public synchronized SimPod addPod(String nodeName) {
        SimNode node = requireNode(nodeName);
        SimPod p = newPod(node, node.nextPodIndex++, Instant.now().getEpochSecond());
        pods.put(p.key(), p);
        replaceOnNode(node, null, p);
        record(new WatchEvent("ADDED", "pods", p.resourceVersion, p, null));
        return p;
    }

    /** Pod churn: deletes the pod; its kubelet stops reporting it. Returns false when absent. */
    public synchronized boolean deletePod(String namespace, String name) {
        SimPod p = pods.remove(namespace + "/" + name);
        if (p == null) {
            return false;
        }
        replaceOnNode(nodesByIndex.get(p.nodeIndex), p, null);
        recordDeleted(p);
        return true;
    }

    private void recordDeleted(SimPod p) {
        long rv = ++resourceVersion;
        record(new WatchEvent("DELETED", "pods", rv, p.withPhase(p.phase, rv), p));
    }

    /**
     * A cluster that shrinks: deletes every node whose index is {@code keep} or more, with its pods (DELETED events
     * for the pods, then the node, as the node lifecycle controller and the pod garbage collector would leave
     * them). The kubelets keep listening, as machines that left the cluster. Returns the number of nodes deleted.
     */
    public synchronized int deleteNodesFrom(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be 0 or more, not " + keep);
        }
        int deleted = 0;
        for (int i = keep; i < nodesByIndex.size(); i++) {
            SimNode node = nodesByIndex.get(i);
            if (nodes.remove(node.name) == null) {
                continue;
            }
            for (SimPod p : node.load.pods()) {
                pods.remove(p.key());
                recordDeleted(p);
            }
            node.load = new SimNode.Load(new SimPod[0], node.load.retiredCpuNanos());
            node.resourceVersion = ++resourceVersion;
            record(new WatchEvent("DELETED", "nodes", node.resourceVersion, node, node));
            deleted++;
        }
        return deleted;
    }

    /** Container restart: its CPU counter starts again from 0 with a new start time. */
    public synchronized SimPod restartContainer(String namespace, String name, String container) {
        SimPod p = pods.get(namespace + "/" + name);
        if (p == null) {
            throw new IllegalArgumentException("pod " + namespace + "/" + name + " not found");
        }
        SimContainer[] cs = p.containers.clone();
        boolean found = false;
        long now = Instant.now().getEpochSecond();
        for (int k = 0; k < cs.length; k++) {
            if (container == null || cs[k].name().equals(container)) {
                cs[k] = cs[k].restarted(now);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("container " + container + " not found in pod " + namespace + "/" + name);
        }
        SimPod q = p.withContainers(cs, ++resourceVersion);
        pods.put(q.key(), q);
        replaceOnNode(nodesByIndex.get(q.nodeIndex), p, q);
        record(new WatchEvent("MODIFIED", "pods", q.resourceVersion, q, p));
        return q;
    }

    /** Changes a pod's phase (e.g. Succeeded): a Running-only field-selector watch then sees DELETED. */
    public synchronized SimPod setPhase(String namespace, String name, String phase) {
        SimPod p = pods.get(namespace + "/" + name);
        if (p == null) {
            throw new IllegalArgumentException("pod " + namespace + "/" + name + " not found");
        }
        SimPod q = p.withPhase(phase, ++resourceVersion);
        pods.put(q.key(), q);
        replaceOnNode(nodesByIndex.get(q.nodeIndex), p, "Running".equals(phase) ? q : null);
        record(new WatchEvent("MODIFIED", "pods", q.resourceVersion, q, p));
        return q;
    }

    private void replaceOnNode(SimNode node, SimPod old, SimPod replacement) {
        SimNode.Load load = node.load;
        // what the replaced containers had used moves to the node's retired CPU, so the node
        // counter is continuous at this instant (a kubelet's node counter never goes down)
        long now = System.currentTimeMillis();
        long retired = load.retiredCpuNanos() + cpu(old, now) - cpu(replacement, now);
        List<SimPod> list = new ArrayList<>(Arrays.asList(load.pods()));
        if (old != null) {
            list.removeIf(x -> x.key().equals(old.key()));
        }
        if (replacement != null) {
            list.add(replacement);
        }
        list.sort(KUBELET_ORDER);
        node.load = new SimNode.Load(list.toArray(SimPod[]::new), retired);
    }

    private static long cpu(SimPod pod, long nowMillis) {
        long cpu = 0;
        if (pod != null) {
            for (SimContainer c : pod.containers) {
                cpu += c.cpuNanoSeconds(nowMillis);
            }
        }
        return cpu;
    }

    private void record(WatchEvent e) {
        history.addLast(e);
        while (history.size() > historyLimit) {
            compactedThrough = history.removeFirst().resourceVersion();
        }
        for (Consumer<WatchEvent> w : watchers) {
            w.accept(e);
        }
    }

    /**
     * Registers a watcher and returns the history after {@code fromVersion} atomically, so no
     * event is lost or duplicated between the backlog and the live stream.
     */
    synchronized Subscription subscribe(long fromVersion, Consumer<WatchEvent> watcher) {
        if (fromVersion < compactedThrough) {
            return new Subscription(List.of(), true, resourceVersion, compactedThrough + 1);
        }
        List<WatchEvent> backlog = new ArrayList<>();
        for (WatchEvent e : history) {
            if (e.resourceVersion() > fromVersion) {
                backlog.add(e);
            }
        }
        watchers.add(watcher);
        return new Subscription(backlog, false, resourceVersion, compactedThrough + 1);
    }

    void unsubscribe(Consumer<WatchEvent> watcher) {
        watchers.remove(watcher);
    }

    /** Lists (continue tokens) older than the event history are expired, as after an etcd compaction. */
    synchronized long oldestListableVersion() {
        return compactedThrough;
    }

    /** Subscribes and snapshots the current objects atomically: the initial ADDED events of a watch. */
    synchronized List<Object> snapshotAndSubscribe(String resource, Consumer<WatchEvent> watcher) {
        List<Object> snapshot = new ArrayList<>(resource.equals("nodes") ? nodes.values() : pods.values());
        watchers.add(watcher);
        return snapshot;
    }

    public synchronized long resourceVersion() {
        return resourceVersion;
    }

    SimNode requireNode(String name) {
        SimNode n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("node " + name + " not found");
        }
        return n;
    }

    public SimNode node(String name) {
        return nodes.get(name);
    }

    public SimNode node(int index) {
        return nodesByIndex.get(index);
    }

    public int nodeCount() {
        return nodes.size();
    }

    public SimPod pod(String namespace, String name) {
        return pods.get(namespace + "/" + name);
    }

    /** Nodes sorted by name, as etcd keys sort. */
    public Iterable<SimNode> nodes() {
        return nodes.values();
    }

    /** Pods sorted by namespace then name. */
    public Iterable<SimPod> pods() {
        return pods.values();
    }

    /** Pods of one namespace, sorted by name. */
    public Iterable<SimPod> pods(String namespace) {
        return pods.subMap(namespace + "/", namespace + "0").values();
    }

    /** Pods whose key is after {@code key} (for continue tokens). */
    public Map<String, SimPod> podsAfter(String key) {
        return pods.tailMap(key, false);
    }

    public Map<String, SimNode> nodesAfter(String key) {
        return nodes.tailMap(key, false);
    }

    public int podCount() {
        return pods.size();
    }
}
