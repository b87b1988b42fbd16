package io.kma.kube.client.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.kma.api.cluster.NodeInfo;

/**
 * Nodes by name in a hash map (a lookup per scrape and per node request); the sorted list is built when
 * first read after a change and kept until the next. One writer (the informer), any number of
 * non-blocking readers.
 */
final class NodeCache implements Informer.Store<NodeInfo> {

    private volatile ConcurrentHashMap<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    /** Bumped by the writer after every change. */
    private volatile long version;
    private volatile Snapshot snapshot;

    private record Snapshot(long version, List<NodeInfo> nodes) {
    }

    @Override
    public void replace(List<NodeInfo> items) {
        ConcurrentHashMap<String, NodeInfo> fresh = new ConcurrentHashMap<>(Math.max(16, items.size()), 0.75f, 1);
        for (NodeInfo n : items) {
            fresh.put(n.name(), n);
        }
        nodes = fresh;
        version++;
    }

    @Override
    public void upsert(NodeInfo item) {
        NodeInfo old = nodes.get(item.name());
        if (old != null && old.equals(item)) {
            return; // keep the instance (and the sorted list) readers already hold
        }
        nodes.put(item.name(), item);
        version++;
    }

    @Override
    public void delete(NodeInfo item) {
        if (nodes.remove(item.name()) != null) {
            version++;
        }
    }

    @Override
    public int size() {
        return nodes.size();
    }

    /** All nodes sorted by name; the same instance until the next change. */
    Collection<NodeInfo> all() {
        long v = version; // read before walking: a change during the walk makes the next reader rebuild
        Snapshot s = snapshot;
        if (s != null && s.version() == v) {
            return s.nodes();
        }
        NodeInfo[] sorted = nodes.values().toArray(new NodeInfo[0]);
        Arrays.sort(sorted, (a, b) -> a.name().compareTo(b.name()));
        List<NodeInfo> list = Collections.unmodifiableList(Arrays.asList(sorted));
        snapshot = new Snapshot(v, list);
        return list;
    }

    Optional<NodeInfo> get(String name) {
        return Optional.ofNullable(nodes.get(name));
    }
}
