package io.kma.kube.client.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import io.kma.api.cluster.NodeInfo;

/** Nodes by name, sorted; one writer (the informer), any number of non-blocking readers. */
final class NodeCache implements Informer.Store<NodeInfo> {

    private volatile ConcurrentSkipListMap<String, NodeInfo> nodes = new ConcurrentSkipListMap<>();

    @Override
    public void replace(List<NodeInfo> items) {
        ConcurrentSkipListMap<String, NodeInfo> fresh = new ConcurrentSkipListMap<>();
        for (NodeInfo n : items) {
            fresh.put(n.name(), n);
        }
        nodes = fresh;
    }

    @Override
    public void upsert(NodeInfo item) {
        nodes.put(item.name(), item);
    }

    @Override
    public void delete(NodeInfo item) {
        nodes.remove(item.name());
    }

    @Override
    public int size() {
        return nodes.size();
    }

    Collection<NodeInfo> all() {
        return List.copyOf(nodes.values());
    }

    Optional<NodeInfo> get(String name) {
        return Optional.ofNullable(nodes.get(name));
    }
}
