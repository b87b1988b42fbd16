package io.kma.scraper.internal;

import java.util.Collection;
import java.util.Set;

/**
 * Where in the cycle each node scraped before is scraped: the same fraction of the spread for the scraper's
 * life. Upstream sleeps {@code rand(0, min(8 ms × nodes, 4 s))} before each node, anew each cycle, so a node's
 * interval varies by up to twice the spread and all nodes arrive in the first 4 s; at 5,000 nodes that burst
 * holds hundreds of scrapes in flight at once, their buffers outlive young collections and are promoted. With a
 * fixed phase each node is scraped every resolution, so its newest sample is never older than one resolution plus
 * its scrape, and the spread can cover most of the cycle.
 */
final class ScrapePhases {

    private final long salt;
    /** Known nodes the last cycle did not start for want of a slot: they go first next cycle. Tick thread only. */
    private Set<String> notStarted = Set.of();

    /**
     * @param salt chosen once per scraper: phases differ between appliances (two masters do not scrape one node
     *             at the same moment) and between starts, but not between cycles
     */
    ScrapePhases(long salt) {
        this.salt = salt;
    }

    /** @return the node's start offset in {@code [0, spreadMillis)}, 0 when there is no spread */
    long offsetMillis(String node, long spreadMillis) {
        if (spreadMillis <= 0) {
            return 0;
        }
        // the salt enters every character (names with equal String.hashCode, "Aa" and "BB", still get different
        // phases), then SplitMix64's finaliser: the sums of "node-1", "node-2", … differ in their low bits only
        long z = salt;
        for (int c = 0; c < node.length(); c++) {
            z = (z ^ node.charAt(c)) * 0x100000001B3L;
        }
        z = z * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double fraction = (z >>> 11) * 0x1.0p-53;
        return Math.min(spreadMillis - 1, (long) (fraction * spreadMillis));
    }

    /** Remembers the known nodes a cycle could not start; replaces the last cycle's. */
    void notStarted(Collection<String> nodes) {
        notStarted = nodes.isEmpty() ? Set.of() : Set.copyOf(nodes);
    }

    /** @return whether the last cycle could not start this node */
    boolean wasNotStarted(String node) {
        return notStarted.contains(node);
    }
}
