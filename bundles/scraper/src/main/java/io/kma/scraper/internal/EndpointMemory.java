package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletEndpoint;

/**
 * What the scraper learnt about each node's kubelet: the endpoint that worked last (tried first next
 * time; forgotten when it fails or the node's addresses change) and whether the kubelet only has
 * the summary API (re-probed for /metrics/resource after {@code summaryRecheckMillis}, in case the
 * kubelet was upgraded).
 */
final class EndpointMemory {

    private record Working(List<NodeAddress> addresses, KubeletEndpoint endpoint) {
    }

    private final Map<String, Working> working = new ConcurrentHashMap<>();
    private final Map<String, Long> summarySince = new ConcurrentHashMap<>();
    private final long summaryRecheckMillis;

    EndpointMemory(long summaryRecheckMillis) {
        this.summaryRecheckMillis = summaryRecheckMillis;
    }

    /** The candidates with the remembered working endpoint moved first. */
    List<KubeletEndpoint> order(NodeInfo node, List<KubeletEndpoint> candidates) {
        Working w = working.get(node.name());
        if (w == null) {
            return candidates;
        }
        if (!w.addresses().equals(node.addresses()) || !candidates.contains(w.endpoint())) {
            working.remove(node.name());
            return candidates;
        }
        if (candidates.get(0).equals(w.endpoint())) {
            return candidates;
        }
        List<KubeletEndpoint> ordered = new ArrayList<>(candidates.size());
        ordered.add(w.endpoint());
        for (KubeletEndpoint e : candidates) {
            if (!e.equals(w.endpoint())) {
                ordered.add(e);
            }
        }
        return ordered;
    }

    KubeletEndpoint remembered(String node) {
        Working w = working.get(node);
        return w == null ? null : w.endpoint();
    }

    void worked(NodeInfo node, KubeletEndpoint endpoint) {
        working.put(node.name(), new Working(node.addresses(), endpoint));
    }

    void failed(NodeInfo node, KubeletEndpoint endpoint) {
        working.computeIfPresent(node.name(), (k, w) -> w.endpoint().equals(endpoint) ? null : w);
    }

    boolean usesSummary(String node, long nowMillis) {
        Long since = summarySince.get(node);
        if (since == null) {
            return false;
        }
        if (nowMillis - since > summaryRecheckMillis) {
            summarySince.remove(node);
            return false;
        }
        return true;
    }

    void markSummary(String node, long nowMillis) {
        summarySince.putIfAbsent(node, nowMillis);
    }

    /** Forgets nodes that left the cluster or the selector. */
    void retain(Set<String> nodes) {
        working.keySet().retainAll(nodes);
        summarySince.keySet().retainAll(nodes);
    }
}
