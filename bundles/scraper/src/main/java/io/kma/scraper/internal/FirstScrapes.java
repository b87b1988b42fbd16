package io.kma.scraper.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Which nodes have had a scrape finish since the scraper started, and the first scrapes still running
 * when their cycle ended. A node's first scrape includes its TLS handshake, which on a cold start (a
 * thousand handshakes at once on a busy host, a JVM not yet compiled) can outlast the cycle: aborting it
 * at the deadline would throw the handshake away and fail the node again next cycle, so the cycle
 * carries it over instead and the next cycle takes its result (still fresh: the kubelet sampled it just
 * now). Each carried scrape is still bounded by {@code kubelet.requestTimeout}. Lives as long as the
 * scraper; used by the tick thread only.
 */
final class FirstScrapes {

    private final Set<String> finished = new HashSet<>();
    private final Map<String, CompletableFuture<NodeResult>> carried = new HashMap<>();

    /** Whether a scrape of the node (successful or not) has finished before. */
    boolean finishedBefore(String node) {
        return finished.contains(node);
    }

    void finished(String node) {
        finished.add(node);
    }

    /** A first scrape still running at the end of its cycle, for the next cycle to take. */
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
        carried.keySet().retainAll(nodes);
    }
}
