package io.kma.scraper.internal;

import java.util.Collections;

import io.kma.api.store.NodeScrape;

/**
 * One node's scrape in one cycle: either {@code scrape} or {@code failure} is set.
 *
 * @param url           the URL that answered, or the last one tried
 * @param tried         how many candidate endpoints were dialled
 * @param durationNanos time from the first dial to the end
 */
record NodeResult(String node, NodeScrape scrape, ScrapeFailure failure, String url, int tried, long durationNanos) {

    /** This result once the store has its samples: the same counts, no samples (a list of the same size). */
    NodeResult stored() {
        NodeScrape s = new NodeScrape(scrape.node(), scrape.nodePoint(),
                Collections.nCopies(scrape.containers().size(), null));
        return new NodeResult(node, s, failure, url, tried, durationNanos);
    }

    Outcome outcome() {
        return failure == null ? Outcome.SUCCESS : failure.outcome;
    }
}
