package io.kma.kube.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import io.kma.api.cluster.PodInfo;

/**
 * Running pods by namespace, then name, both sorted, so that listing in API order needs no sort. One
 * writer (the informer); readers never block. A re-list swaps in a whole new map.
 */
final class PodCache implements Informer.Store<PodInfo> {

    private volatile ConcurrentSkipListMap<String, ConcurrentSkipListMap<String, PodInfo>> byNamespace =
            new ConcurrentSkipListMap<>();
    /** Kept by the writer: ConcurrentSkipListMap.size() walks the whole map. */
    private volatile int size;
    /** Bumped by the writer after every change; tells readers whether the cached full list is current. */
    private volatile long version;
    /** The last full list built by a reader, reused until the next change (a 350,000-pod walk costs tens of ms). */
    private volatile Snapshot snapshot;

    private record Snapshot(long version, List<PodInfo> pods) {
    }

    @Override
    public void replace(List<PodInfo> items) {
        ConcurrentSkipListMap<String, ConcurrentSkipListMap<String, PodInfo>> fresh = new ConcurrentSkipListMap<>();
        int n = 0;
        for (PodInfo p : items) {
            if (fresh.computeIfAbsent(p.namespace(), k -> new ConcurrentSkipListMap<>()).put(p.name(), p) == null) {
                n++;
            }
        }
        byNamespace = fresh;
        size = n;
        version++;
    }

    @Override
    public void upsert(PodInfo item) {
        if (byNamespace.computeIfAbsent(item.namespace(), k -> new ConcurrentSkipListMap<>()).put(item.name(),
                item) == null) {
            size++;
        }
        version++;
    }

    @Override
    public void delete(PodInfo item) {
        ConcurrentSkipListMap<String, PodInfo> ns = byNamespace.get(item.namespace());
        if (ns != null && ns.remove(item.name()) != null) {
            size--;
            if (ns.isEmpty()) {
                // Only the informer thread writes, so nothing can be added between the check and the removal.
                byNamespace.remove(item.namespace(), ns);
            }
            version++;
        }
    }

    @Override
    public int size() {
        return size;
    }

    int namespaces() {
        return byNamespace.size();
    }

    Collection<PodInfo> all() {
        long v = version; // read before walking: a change during the walk makes the next reader rebuild
        Snapshot s = snapshot;
        if (s != null && s.version() == v) {
            return s.pods();
        }
        List<PodInfo> out = new ArrayList<>(size + 16);
        for (Map<String, PodInfo> ns : byNamespace.values()) {
            out.addAll(ns.values());
        }
        List<PodInfo> pods = Collections.unmodifiableList(out);
        snapshot = new Snapshot(v, pods);
        return pods;
    }

    Collection<PodInfo> inNamespace(String namespace) {
        ConcurrentSkipListMap<String, PodInfo> ns = byNamespace.get(namespace);
        return ns == null ? List.of() : List.copyOf(ns.values());
    }

    Optional<PodInfo> get(String namespace, String name) {
        ConcurrentSkipListMap<String, PodInfo> ns = byNamespace.get(namespace);
        return ns == null ? Optional.empty() : Optional.ofNullable(ns.get(name));
    }
}
