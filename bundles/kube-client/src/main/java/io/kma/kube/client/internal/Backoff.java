package io.kma.kube.client.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: {@code initial}, doubling up to {@code max}, each delay spread by
 * ±{@code jitter} so that many appliances restarting together do not hit kube-apiserver in step.
 * Used by one thread.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final double jitter;
    private long next;

    Backoff(long initialMillis, long maxMillis, double jitter) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.jitter = jitter;
        this.next = initialMillis;
    }

    /** The delay to wait now; the next one will be twice as long, up to the maximum. */
    long next() {
        long base = next;
        next = Math.min(maxMillis, next * 2);
        double factor = 1 + jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Math.max(1, Math.round(base * factor));
    }

    void reset() {
        next = initialMillis;
    }
}
