package io.kma.scraper.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Scrapes still running when their cycle ended, and which nodes have had a scrape finish since the
 * scraper started. A node's first scrape includes its TLS handshake, which on a cold start (a thousand
 * handshakes at once on a busy host, a JVM not yet compiled) can outlast the cycle and slow down every
 * other scrape with it: aborting them at the deadline would throw the handshakes away and fail the nodes
 * again next cycle, so the cycle carries them over instead and the next cycle takes their results (still
 * fresh: the kubelet sampled them just now). Each carried scrape is still bounded by
 * {@code kubelet.requestTimeout}. Also which nodes have exactly one sample, for the cycle to start them first.
 * Lives as long as the scraper; used by the tick thread only.
 */
final class CarriedScrapes {

    private final Set<String> finished = new HashSet<>();
    /** Nodes with a successful scrape: true while it is their only one (the store serves a node from its second). */
    private final Map<String, Boolean> sampled = new HashMap<>();
    private final Map<String, CompletableFuture<NodeResult>> carried = new HashMap<>();

    /** Whether a scrape of the node (successful or not) has finished before. */
    boolean finishedBefore(String node) {
        return finished.contains(node);
    }

    void finished(String node) {
        finished.add(node);
    }

    /** A scrape of the node succeeded (it has also {@link #finished}). */
    void succeeded(String node) {
        sampled.merge(node, Boolean.TRUE, (before, now) -> Boolean.FALSE);
    }

    /** Whether exactly one scrape of the node has succeeded: the store has its first sample and waits for a second. */
    boolean sampledOnce(String node) {
        return sampled.get(node) == Boolean.TRUE;
    }

    /** A scrape still running at the end of its cycle, for the next cycle to take. */
    void carry(String node, CompletableFuture<NodeResult> scrape) {
        carried.put(node, scrape);
    }

    boolean hasCarried(String node) {
        return carried.containsKey(node);
    }

    /** The node's carried scrape, removed; null when there is none. */
    CompletableFuture<NodeResult> takeCarried(String node) {
        return carried.remove(node);
    }

    int carried() {
        return carried.size();
    }

    /** Forgets nodes that left the cluster or the selection (their carried scrapes time out by themselves). */
    void retain(Set<String> nodes) {
        finished.retainAll(nodes);
        sampled.keySet().retainAll(nodes);
        carried.keySet().retainAll(nodes);
    }
}
