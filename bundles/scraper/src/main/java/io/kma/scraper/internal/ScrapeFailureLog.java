package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs scrape failures in bounded space however many nodes fail: per cycle one summary line (count by
 * cause, the first few names), and a line for a node only when it starts failing (at most
 * {@link #DETAIL_LINES} of those per cycle, the rest counted in the summary) and when it recovers.
 * A node failing every cycle is therefore named once, not 5,760 times a day. Lives as long as the
 * scraper; used by the tick thread only.
 */
final class ScrapeFailureLog {

    static final int DETAIL_LINES = 10;
    static final int SUMMARY_NAMES = 5;

    /** Where the lines go: WARN or INFO of the scraper's logger in production, a list in tests. */
    interface Lines {
        void line(boolean warn, String text);

        static Lines of(Logger log) {
            return (warn, text) -> {
                if (warn) {
                    log.warn(text);
                } else {
                    log.info(text);
                }
            };
        }
    }

    private final Lines log;
    private Set<String> failing = new HashSet<>();

    // the cycle being collected
    private final Set<String> failingNow = new HashSet<>();
    private final Map<String, Integer> causes = new TreeMap<>();
    private final List<String> names = new ArrayList<>(SUMMARY_NAMES);
    private int details;
    private int detailsSuppressed;
    private int recovered;
    private int pending;
    private int pendingRunning;

    ScrapeFailureLog(Lines log) {
        this.log = log;
    }

    /** Logs as {@link ScrapeCycle}, where the per-node lines always were. */
    static ScrapeFailureLog forScrapeCycle() {
        return new ScrapeFailureLog(Lines.of(LoggerFactory.getLogger(ScrapeCycle.class)));
    }

    /** A failed node; {@code cause} is a short key such as "timeout" or "not_started". */
    void failed(String node, String cause, String detail) {
        failingNow.add(node);
        causes.merge(cause, 1, Integer::sum);
        if (names.size() < SUMMARY_NAMES) {
            names.add(node);
        }
        if (!failing.contains(node)) {
            if (details < DETAIL_LINES) {
                details++;
                log.line(true, "scrape of node " + node + " failed: " + detail);
            } else {
                detailsSuppressed++;
            }
        }
    }

    /**
     * A node whose scrape was still running at the cycle's deadline (carried into the next cycle) or not
     * started for want of a slot: not the kubelet's failure (a cold start's handshakes take their time);
     * counted in one line per cycle.
     *
     * @param running its scrape still runs (carried into the next cycle); false: not started for want of a slot
     */
    void pending(String node, boolean running) {
        pending++;
        if (running) {
            pendingRunning++;
        }
    }

    void succeeded(String node) {
        if (failing.contains(node)) {
            recovered++;
            if (recovered <= DETAIL_LINES) {
                log.line(false, "scrape of node " + node + " succeeded again");
            }
        }
    }

    /** Ends the cycle: the summary line, then forgets nodes that are gone or recovered. */
    void endCycle(int nodes) {
        int failed = failingNow.size();
        if (failed > 0) {
            log.line(true, failed + " of " + nodes + " nodes failed to scrape this cycle " + causes + ", e.g. "
                    + String.join(", ", names)
                    + (detailsSuppressed > 0 ? "; " + detailsSuppressed + " more nodes started failing (not listed one by one)"
                            : ""));
        }
        if (pending > 0) {
            // which of the two says what holds a cold start back: the CPU (running) or the concurrency limit
            log.line(false, pending + " of " + nodes + " nodes pending at the end of this cycle: " + pendingRunning
                    + " scrapes still running, carried into the next cycle; " + (pending - pendingRunning)
                    + " not started for want of a slot; not counted as failed");
        }
        if (recovered > DETAIL_LINES) {
            log.line(false, (recovered - DETAIL_LINES) + " more nodes scraped successfully again");
        }
        failing = new HashSet<>(failingNow);
        failingNow.clear();
        causes.clear();
        names.clear();
        details = 0;
        detailsSuppressed = 0;
        recovered = 0;
        pending = 0;
        pendingRunning = 0;
    }

    boolean isFailing(String node) {
        return failing.contains(node);
    }
}
