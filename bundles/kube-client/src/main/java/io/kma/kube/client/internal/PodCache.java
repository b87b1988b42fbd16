package io.kma.kube.client.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kma.api.cluster.PodInfo;

/**
 * Running pods by namespace, then name, in hash maps: the scraper looks up every pod of every scrape, so a
 * lookup must be two hash probes, not a walk down a sorted map. Lists in API order come from sorted arrays
 * built when first read after a change and kept until the next: after a few changes a namespace's array is
 * patched (binary search, array copies), not sorted again. One writer (the informer); readers never wait
 * for the network, only briefly for a namespace's patch.
 */
final class PodCache implements Informer.Store<PodInfo> {

    private static final PodInfo[] NONE = new PodInfo[0];

    private volatile ConcurrentHashMap<String, Namespace> byNamespace = new ConcurrentHashMap<>();
    /** Kept by the writer, so that size() does not count. */
    private volatile int size;
    /** Bumped by the writer after every change; tells readers whether the cached full list is current. */
    private volatile long version;
    /**
     * The last full list built by a reader, reused until the next change, and dropped by the writer at that change:
     * a stale list is never served again, and kept it would hold every pod of its time until the next full list,
     * which may come much later or never (after a cluster shrank, the large cluster's pods).
     */
    private volatile Snapshot snapshot;

    private record Snapshot(long version, List<PodInfo> pods) {
    }

    /**
     * Node → the sequence number of the last change of a pod on it, since the relist that took {@code relist} (the
     * number of every node without a change since). Numbers are never given out twice, so a number read once comes
     * back only while nothing changed on that node; entries stay until the next relist or restart (see
     * {@link #nodeChanged}), so a node whose pods all went keeps a number of its own.
     */
    private record NodeVersions(ConcurrentHashMap<String, Long> changed, long relist) {
    }

    /** Never fewer entries before the node numbers start again (see {@link #nodeChanged}). */
    private static final int NODE_VERSIONS_MIN_LIMIT = 1024;

    private volatile NodeVersions nodeVersions = new NodeVersions(new ConcurrentHashMap<>(), 1);
    /** Writer only: the last sequence number given out. */
    private long sequence = 1;
    /** Writer only: entries allowed in {@link #nodeVersions} before it starts again. */
    private int nodeVersionsLimit = NODE_VERSIONS_MIN_LIMIT;

    /** One namespace's pods, and its sorted array as of {@code sortedVersion}. */
    private static final class Namespace {
        final ConcurrentHashMap<String, PodInfo> byName;
        /** Bumped by the writer after each change of this namespace, under the lock. */
        private long version;
        /** The sorted pods as of {@link #sortedVersion}; null: sort all again. Guarded by this. */
        private PodInfo[] sorted;
        private long sortedVersion = -1;
        private List<PodInfo> sortedView = List.of();
        /** Names changed since {@link #sortedVersion}. Guarded by this. */
        private final Set<String> changed = new HashSet<>();

        Namespace(int expected) {
            // (capacity, load factor) sizes the table for `expected` entries; (capacity) alone would add half again
            byName = new ConcurrentHashMap<>(Math.max(16, expected), 0.75f, 1);
        }

        /** Writer: after {@code name} was put or removed. */
        synchronized void changed(String name) {
            if (sorted != null) {
                if (changed.size() > byName.size() / 8) {
                    // many changes: one sort is cheaper than as many patches
                    sorted = null;
                    changed.clear();
                } else {
                    changed.add(name);
                }
            }
            version++;
        }

        synchronized List<PodInfo> sorted() {
            sortedArray();
            return sortedView;
        }

        /** The sorted array itself: callers must not change it. */
        synchronized PodInfo[] sortedArray() {
            if (sortedVersion == version) {
                return sorted;
            }
            if (sorted == null) {
                sorted = byName.values().toArray(NONE);
                Arrays.sort(sorted, (a, b) -> a.name().compareTo(b.name()));
            } else {
                sorted = patch(sorted, changed, byName);
            }
            changed.clear();
            sortedVersion = version;
            sortedView = Collections.unmodifiableList(Arrays.asList(sorted));
            return sorted;
        }
    }

    @Override
    public void replace(List<PodInfo> items) {
        Map<String, Integer> counts = new HashMap<>();
        for (PodInfo p : items) {
            counts.merge(p.namespace(), 1, Integer::sum);
        }
        ConcurrentHashMap<String, Namespace> fresh = new ConcurrentHashMap<>();
        int n = 0;
        for (PodInfo p : items) {
            if (fresh.computeIfAbsent(p.namespace(), k -> new Namespace(counts.get(k))).byName.put(p.name(), p) == null) {
                n++;
            }
        }
        byNamespace = fresh;
        size = n;
        // after the pods: a reader that sees the new numbers sees the new pods
        nodeVersions = new NodeVersions(new ConcurrentHashMap<>(), ++sequence);
        nodeVersionsLimit = NODE_VERSIONS_MIN_LIMIT;
        changed();
    }

    /** For tests: how many nodes have a number of their own. */
    int trackedNodes() {
        return nodeVersions.changed().size();
    }

    /** See {@link io.kma.api.cluster.ClusterView#podsOnNodeVersion}. */
    long nodeVersion(String node) {
        NodeVersions v = nodeVersions;
        Long changed = v.changed().get(node);
        return changed != null ? changed : v.relist();
    }

    /**
     * Writer, after a pod on {@code node} (null: not scheduled) was added, changed or removed. Entries are never
     * removed one by one (the node would fall back to the relist's number, which a reader may have seen before the
     * change), so with nodes coming and going the map would grow until the next relist, which may be weeks away:
     * past twice its size at the last restart it starts again from a new number for every node, which costs the
     * scraper one cycle of pod lookups.
     */
    private void nodeChanged(String node) {
        if (node == null) {
            return;
        }
        ConcurrentHashMap<String, Long> changed = nodeVersions.changed();
        if (changed.size() >= nodeVersionsLimit && !changed.containsKey(node)) {
            nodeVersionsLimit = Math.max(NODE_VERSIONS_MIN_LIMIT, 2 * changed.size());
            changed = new ConcurrentHashMap<>();
            nodeVersions = new NodeVersions(changed, ++sequence);
        }
        changed.put(node, ++sequence);
    }

    /** Writer, after every change: the full list is out of date. */
    private void changed() {
        version++;
        snapshot = null;
    }

    @Override
    public void upsert(PodInfo item) {
        Namespace ns = byNamespace.computeIfAbsent(item.namespace(), k -> new Namespace(0));
        PodInfo old = ns.byName.get(item.name());
        if (old != null && old.equals(item)) {
            // Most MODIFIED events change only the pod's status: keep the instance (and the lists) readers hold.
            return;
        }
        ns.byName.put(item.name(), item);
        if (old == null) {
            size++;
        } else if (old.nodeName() != null && !old.nodeName().equals(item.nodeName())) {
            nodeChanged(old.nodeName());
        }
        nodeChanged(item.nodeName());
        ns.changed(item.name());
        changed();
    }

    @Override
    public void delete(PodInfo item) {
        Namespace ns = byNamespace.get(item.namespace());
        PodInfo removed = ns == null ? null : ns.byName.remove(item.name());
        if (removed != null) {
            size--;
            nodeChanged(removed.nodeName());
            ns.changed(item.name());
            if (ns.byName.isEmpty()) {
                // Only the informer thread writes, so nothing can be added between the check and the removal.
                byNamespace.remove(item.namespace(), ns);
            }
            changed();
        }
    }

    @Override
    public int size() {
        return size;
    }

    int namespaces() {
        return byNamespace.size();
    }

    /** All pods sorted by namespace, then name; the same instance until the next change. */
    Collection<PodInfo> all() {
        long v = version; // read before walking: a change during the walk makes the next reader rebuild
        Snapshot s = snapshot;
        if (s != null && s.version() == v) {
            return s.pods();
        }
        Map<String, Namespace> current = byNamespace;
        String[] names = current.keySet().toArray(new String[0]);
        Arrays.sort(names);
        PodInfo[][] parts = new PodInfo[names.length][];
        int total = 0;
        for (int i = 0; i < names.length; i++) {
            Namespace ns = current.get(names[i]);
            parts[i] = ns == null ? NONE : ns.sortedArray();
            total += parts[i].length;
        }
        PodInfo[] all = new PodInfo[total];
        int at = 0;
        for (PodInfo[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        List<PodInfo> pods = Collections.unmodifiableList(Arrays.asList(all));
        snapshot = new Snapshot(v, pods);
        if (version != v) {
            snapshot = null; // the writer changed something during the walk, perhaps after it dropped the snapshot
        }
        return pods;
    }

    /** For tests: whether a full list is kept for the next reader. */
    boolean keepsFullList() {
        return snapshot != null;
    }

    /** One namespace's pods sorted by name; the same instance until that namespace changes. */
    Collection<PodInfo> inNamespace(String namespace) {
        Namespace ns = byNamespace.get(namespace);
        return ns == null ? List.of() : ns.sorted();
    }

    Optional<PodInfo> get(String namespace, String name) {
        Namespace ns = byNamespace.get(namespace);
        return ns == null ? Optional.empty() : Optional.ofNullable(ns.byName.get(name));
    }

    /**
     * A sorted array with the {@code changed} names brought up to date from {@code current}: each kept, replaced,
     * dropped or inserted at its place, the runs between them copied as blocks.
     */
    static PodInfo[] patch(PodInfo[] old, Set<String> changed, Map<String, PodInfo> current) {
        String[] names = changed.toArray(new String[0]);
        Arrays.sort(names);
        PodInfo[] out = new PodInfo[old.length + names.length];
        int from = 0;
        int at = 0;
        for (String name : names) {
            int i = search(old, from, name);
            int run = (i >= 0 ? i : -i - 1) - from;
            System.arraycopy(old, from, out, at, run);
            at += run;
            from += run + (i >= 0 ? 1 : 0); // an old entry of this name is dropped, then re-added if still there
            PodInfo now = current.get(name);
            if (now != null) {
                out[at++] = now;
            }
        }
        System.arraycopy(old, from, out, at, old.length - from);
        at += old.length - from;
        return at == out.length ? out : Arrays.copyOf(out, at);
    }

    /** Arrays.binarySearch over names from {@code from}: the index, or -(insertion point) - 1. */
    private static int search(PodInfo[] a, int from, String name) {
        int lo = from;
        int hi = a.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = a[mid].name().compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }
}
