package io.kma.api.store;

import java.util.List;
import java.util.Set;

/**
 * The result of one scrape cycle over all selected nodes.
 *
 * @param scraped     nodes whose kubelet answered with usable data. A scraper that already handed each node's
 *                    samples to the store as they arrived ({@link MetricsStore#storeNode}) may keep only the node
 *                    and its node point here, with a container list of the right size whose entries are null
 *                    (the cycle's counts without holding every sample to its end): such a batch is for
 *                    {@link MetricsStore#endCycle} and counting, not for {@link MetricsStore#store}.
 * @param failedNodes nodes that were meant to be scraped this cycle but failed, or were still pending at its
 *                    end; the store may keep their previous points for one cycle so that one blip does not
 *                    drop their pods.
 *                    Nodes in neither set have left the cluster (or the selector) and are pruned.
 */
public record ScrapeBatch(List<NodeScrape> scraped, Set<String> failedNodes) {
}
