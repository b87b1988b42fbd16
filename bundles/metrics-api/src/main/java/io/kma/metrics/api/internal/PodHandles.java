package io.kma.metrics.api.internal;

import java.util.Collection;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.PodSeriesRef;

/**
 * The cluster view's full pod collection, each pod paired with its store handle ({@link PodSeriesRef}), so
 * that a list of all pods does no lookup per pod: valid while the cluster view
 * returns the same collection instance (kube-client's does while no pod changed) from the same store. A
 * handle that stopped being {@link PodSeriesRef#current() current} (the pod's containers changed, or its
 * series is gone) is looked up again, as is a pod without one. A new collection is paired by walking it
 * beside the previous pairing (both are sorted by namespace, then name), so a few changed pods cost a few
 * lookups, not 350,000. Shared by concurrent requests: a slot is only ever replaced by an equally valid
 * value, so racing writers are harmless.
 */
final class PodHandles {

    private final Collection<PodInfo> source;
    private final MetricsStore store;
    private final PodInfo[] pods;
    private final PodSeriesRef[] refs;

    private PodHandles(Collection<PodInfo> source, MetricsStore store) {
        this.source = source;
        this.store = store;
        this.pods = source.toArray(new PodInfo[0]);
        this.refs = new PodSeriesRef[pods.length];
    }

    /** The pairing for {@code candidates}: {@code previous} when it still pairs them, else a new one reusing it. */
    static PodHandles of(Collection<PodInfo> candidates, MetricsStore store, PodHandles previous) {
        if (previous != null && previous.source == candidates && previous.store == store) {
            return previous;
        }
        PodHandles fresh = new PodHandles(candidates, store);
        if (previous != null && previous.store == store) {
            fresh.reuse(previous);
        }
        return fresh;
    }

    /** Takes over the slots of pods that are the same objects in the previous pairing. */
    private void reuse(PodHandles previous) {
        forSamePods(previous, this, (from, to) -> refs[to] = previous.refs[from]);
    }

    /** Receives the indices of one pod object in two pairings. */
    interface SamePod {
        void at(int fromIndex, int toIndex);
    }

    /**
     * Calls {@code same} for every pod that is the same object in both pairings, by a merge walk (both are
     * sorted by namespace, then name): linear, so a few changed pods cost nothing per unchanged one.
     */
    static void forSamePods(PodHandles from, PodHandles to, SamePod same) {
        PodInfo[] old = from.pods;
        PodInfo[] pods = to.pods;
        int j = 0;
        for (int i = 0; i < pods.length && j < old.length; i++) {
            PodInfo p = pods[i];
            while (j < old.length && old[j] != p && compare(old[j], p) < 0) {
                j++;
            }
            if (j < old.length && old[j] == p) {
                same.at(j, i);
                j++;
            }
        }
    }

    private static int compare(PodInfo a, PodInfo b) {
        int c = a.namespace().compareTo(b.namespace());
        return c != 0 ? c : a.name().compareTo(b.name());
    }

    /** True when the handles are {@code store}'s. */
    boolean pairs(MetricsStore store) {
        return this.store == store;
    }

    int size() {
        return pods.length;
    }

    PodInfo pod(int i) {
        return pods[i];
    }

    /** The pod's store handle, looked up when it has none or it is no longer current; null when the store has none. */
    PodSeriesRef ref(int i) {
        PodSeriesRef ref = refs[i];
        if (ref == null || !ref.current()) {
            ref = store.podSeries(pods[i].namespace(), pods[i].name());
            refs[i] = ref;
        }
        return ref;
    }

}
