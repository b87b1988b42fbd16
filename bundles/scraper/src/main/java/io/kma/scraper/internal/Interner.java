package io.kma.scraper.internal;

import java.nio.charset.StandardCharsets;

/**
 * A lossy, lock-free intern cache for the namespace, pod and container names read from kubelet
 * bodies. The same names come back every cycle, so a hit returns the String already held by the
 * store instead of allocating a new one (and its hash is already computed for the store's lookups).
 * Direct-mapped: a collision simply replaces the slot, and racing writes are harmless because Strings
 * are immutable and safely published.
 *
 * <p>Sized to the cluster ({@link #fit}): a fixed size either wastes memory on a small cluster or,
 * at 350,000 pods in 262,144 slots, misses about half of the pod names every cycle.
 */
final class Interner {

    /** Never fewer slots than this (16 KiB of references): namespaces, containers, a small cluster's pods. */
    static final int MIN_LOG2 = 12;
    /** Never more slots than this (4 MiB of references with compressed oops): a 5,000-node cluster's pods. */
    static final int MAX_LOG2 = 20;

    private volatile String[] slots;

    /** @param log2Size log2 of the number of slots (16 → 65,536 slots, 256 KiB with compressed oops) */
    Interner(int log2Size) {
        slots = new String[1 << log2Size];
    }

    /**
     * Resizes to about one slot per name (a power of two between {@link #MIN_LOG2} and {@link #MAX_LOG2}), so
     * about three in four names hit; only the tick thread calls this, between cycles. The names held move to
     * the new slots: dropping them would hand the store a second copy of every name it already holds (a
     * cold start grows the cache several times).
     *
     * @param names how many names the next cycle is expected to read (the containers of the last one)
     */
    void fit(int names) {
        int log2 = 32 - Integer.numberOfLeadingZeros(Math.max(1, names) - 1);
        int want = 1 << Math.max(MIN_LOG2, Math.min(MAX_LOG2, log2));
        String[] old = slots;
        // shrink only when far too big, so a cluster near a power of two does not flip every cycle
        if (want > old.length || want * 4 <= old.length) {
            String[] fresh = new String[want];
            for (String name : old) {
                if (name != null) {
                    // String.hashCode of an ASCII name is the hash intern computes over its bytes
                    int h = name.hashCode();
                    fresh[(h ^ (h >>> 16)) & (want - 1)] = name;
                }
            }
            slots = fresh;
        }
    }

    int size() {
        return slots.length;
    }

    String intern(byte[] b, int from, int to) {
        int h = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            ascii &= c >= 0;
            h = 31 * h + c;
        }
        return ascii ? internAscii(b, from, to, h) : new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * @param h {@code 31 * h + b[i]} over the bytes, all of which the caller saw to be ASCII (the hash is
     *          folded into the caller's scan so that the bytes are read once)
     */
    String internAscii(byte[] b, int from, int to, int h) {
        String[] s = slots;
        h ^= h >>> 16;
        int idx = h & (s.length - 1);
        String hit = s[idx];
        if (hit != null && sameAscii(hit, b, from, to)) {
            return hit;
        }
        hit = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        s[idx] = hit;
        return hit;
    }

    private static boolean sameAscii(String s, byte[] b, int from, int to) {
        int n = to - from;
        if (s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
