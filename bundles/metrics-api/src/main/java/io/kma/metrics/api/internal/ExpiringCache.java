package io.kma.metrics.api.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A size-bounded map whose entries expire after a per-entry time to live. Used for TokenReview and
 * SubjectAccessReview answers; losing it (a bundle update) only costs a few reviews.
 */
final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final LongAdder hits = new LongAdder();

    ExpiringCache(int maxEntries, LongSupplier nanoClock) {
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The live value, or null. */
    V get(K key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos >= 0) {
            entries.remove(key, e);
            return null;
        }
        hits.increment();
        return e.value;
    }

    void put(K key, V value, long ttlMillis) {
        if (ttlMillis <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (entries.size() >= maxEntries) {
            evict(now);
        }
        entries.put(key, new Entry<>(value, now + ttlMillis * 1_000_000L));
    }

    long hits() {
        return hits.sum();
    }

    int size() {
        return entries.size();
    }

    /** Drops expired entries; when all are live, drops everything (bounded memory beats a perfect LRU here). */
    private void evict(long now) {
        for (Iterator<Entry<V>> it = entries.values().iterator(); it.hasNext();) {
            if (now - it.next().expiresAtNanos >= 0) {
                it.remove();
            }
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }
}
