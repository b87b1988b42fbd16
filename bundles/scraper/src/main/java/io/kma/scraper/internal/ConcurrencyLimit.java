package io.kma.scraper.internal;

import java.util.concurrent.TimeUnit;

/**
 * How many kubelet scrapes may be in flight, adapted to what the kubelets (and this host's CPU) answer
 * rather than fixed: it grows by one for each scrape that finishes in less than a quarter of the request
 * timeout and halves (at most once per {@link #decreaseSpacingNanos}) when a scrape times out. A cold start
 * at 5,000 nodes is a storm of TLS handshakes; with a fixed 256 in flight on two cores every handshake
 * slows down together until all of them time out, whereas a limit that backs off keeps each one short.
 * Never above {@code kubelet.maxConcurrentScrapes}, never below {@link #MIN}. Lives as long as the
 * scraper, so each cycle starts from what the previous one learnt. Thread-safe.
 */
final class ConcurrencyLimit {

    static final int MIN = 4;
    static final int INITIAL = 32;

    private final long decreaseSpacingNanos;
    private int max;
    private int limit;
    private int inFlight;
    private long lastDecrease = Long.MIN_VALUE / 2;

    ConcurrencyLimit(int max, long decreaseSpacingNanos) {
        this.max = Math.max(1, max);
        this.limit = Math.min(this.max, INITIAL);
        this.decreaseSpacingNanos = decreaseSpacingNanos;
    }

    /** A new maxConcurrentScrapes from the configuration. */
    synchronized void setMax(int newMax) {
        max = Math.max(1, newMax);
        limit = Math.min(limit, max);
        notifyAll();
    }

    synchronized int limit() {
        return limit;
    }

    synchronized int max() {
        return max;
    }

    /** Waits for a slot until the deadline; false when none freed up in time. */
    synchronized boolean acquire(long deadlineNanos) throws InterruptedException {
        while (inFlight >= limit) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        inFlight++;
        return true;
    }

    /**
     * @param durationNanos how long the scrape took
     * @param timedOut      whether it ended in a timeout (the kubelet or this host could not keep up)
     * @param fastNanos     a scrape faster than this lets the limit grow
     */
    synchronized void release(long durationNanos, boolean timedOut, long fastNanos) {
        inFlight--;
        if (timedOut) {
            long now = System.nanoTime();
            if (now - lastDecrease >= decreaseSpacingNanos) {
                limit = Math.max(Math.min(MIN, max), limit / 2);
                lastDecrease = now;
            }
        } else if (durationNanos < fastNanos && limit < max) {
            limit++;
        }
        notifyAll();
    }
}
