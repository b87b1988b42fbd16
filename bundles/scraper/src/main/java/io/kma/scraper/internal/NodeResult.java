package io.kma.scraper.internal;

import io.kma.api.store.NodeScrape;

/**
 * One node's scrape in one cycle: either {@code scrape} or {@code failure} is set.
 *
 * @param url           the URL that answered, or the last one tried
 * @param tried         how many candidate endpoints were dialled
 * @param durationNanos time from the first dial to the end
 */
record NodeResult(String node, NodeScrape scrape, ScrapeFailure failure, String url, int tried, long durationNanos) {

    Outcome outcome() {
        return failure == null ? Outcome.SUCCESS : failure.outcome;
    }
}
