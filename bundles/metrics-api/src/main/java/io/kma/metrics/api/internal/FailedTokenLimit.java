package io.kma.metrics.api.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds the TokenReviews one client address can cause with tokens kube-apiserver rejects: each unknown
 * token costs kube-apiserver a review, so after {@link #BURST} failed reviews a client gets one more per
 * {@link #REFILL_NANOS}; tokens already cached as valid are unaffected. Addresses are kept in an LRU
 * of bounded size.
 */
final class FailedTokenLimit {

    static final int BURST = 10;
    static final long REFILL_NANOS = 1_000_000_000L;
    private static final int MAX_ADDRESSES = 4096;

    /** A token bucket: {@code tokens} at {@code at}. */
    private static final class Bucket {
        double tokens = BURST;
        long at;
    }

    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    FailedTokenLimit(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Whether the client may have an unknown token reviewed now. */
    synchronized boolean allows(String client) {
        Bucket b = buckets.get(client);
        if (b == null) {
            return true;
        }
        refill(b);
        return b.tokens >= 1;
    }

    /** A review for this client failed (token rejected, or the review itself failed). */
    synchronized void failed(String client) {
        Bucket b = buckets.computeIfAbsent(client, c -> {
            Bucket n = new Bucket();
            n.at = nanoClock.getAsLong();
            return n;
        });
        refill(b);
        b.tokens = Math.max(0, b.tokens - 1);
    }

    private void refill(Bucket b) {
        long now = nanoClock.getAsLong();
        b.tokens = Math.min(BURST, b.tokens + (double) (now - b.at) / REFILL_NANOS);
        b.at = now;
    }
}
