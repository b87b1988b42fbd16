package io.kma.api.store;

import java.util.List;
import java.util.Set;

/**
 * The result of one scrape cycle over all selected nodes.
 *
 * @param scraped     nodes whose kubelet answered with usable data
 * @param failedNodes nodes that were meant to be scraped this cycle but failed; the store may keep
 *                    their previous points for one cycle so that one blip does not drop their pods.
 *                    Nodes in neither set have left the cluster (or the selector) and are pruned.
 */
public record ScrapeBatch(List<NodeScrape> scraped, Set<String> failedNodes) {
}
