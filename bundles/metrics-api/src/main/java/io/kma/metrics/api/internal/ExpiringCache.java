package io.kma.metrics.api.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A size-bounded map whose entries expire after a per-entry time to live; when full, the least recently
 * used entry goes, so a flood of new keys (random bearer tokens) evicts its own entries first and never
 * empties the cache of the keys legitimate callers keep using. Used for TokenReview and
 * SubjectAccessReview answers; losing it (a bundle update) only costs a few reviews.
 */
final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final Map<K, Entry<V>> entries; // guarded by this
    private final LongSupplier nanoClock;
    private final LongAdder hits = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    ExpiringCache(int maxEntries, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.entries = new LinkedHashMap<>(Math.min(maxEntries, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                boolean full = size() > maxEntries;
                if (full) {
                    evictions.increment();
                }
                return full;
            }
        };
    }

    /** The live value, or null. */
    V get(K key) {
        Entry<V> e;
        synchronized (this) {
            e = entries.get(key); // marks it recently used
            if (e == null) {
                return null;
            }
            if (nanoClock.getAsLong() - e.expiresAtNanos >= 0) {
                entries.remove(key);
                return null;
            }
        }
        hits.increment();
        return e.value;
    }

    void put(K key, V value, long ttlMillis) {
        if (ttlMillis <= 0) {
            return;
        }
        long expires = nanoClock.getAsLong() + ttlMillis * 1_000_000L;
        synchronized (this) {
            entries.put(key, new Entry<>(value, expires));
        }
    }

    long hits() {
        return hits.sum();
    }

    /** Live entries dropped because the cache was full. */
    long evictions() {
        return evictions.sum();
    }

    synchronized int size() {
        return entries.size();
    }
}
