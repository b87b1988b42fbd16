package io.kma.scraper.internal;

import java.nio.charset.StandardCharsets;

/**
 * A lossy, lock-free intern cache for the namespace, pod and container names read from kubelet
 * bodies. The same names come back every cycle, so a hit returns the String already held by the
 * store instead of allocating a new one. Direct-mapped: a collision simply replaces the slot, and
 * racing writes are harmless because Strings are immutable and safely published.
 */
final class Interner {

    private final String[] slots;
    private final int mask;

    /** @param log2Size log2 of the number of slots (16 → 65,536 slots, 256 KiB with compressed oops) */
    Interner(int log2Size) {
        slots = new String[1 << log2Size];
        mask = slots.length - 1;
    }

    String intern(byte[] b, int from, int to) {
        int h = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            ascii &= c >= 0;
            h = 31 * h + c;
        }
        if (!ascii) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        h ^= h >>> 16;
        int idx = h & mask;
        String s = slots[idx];
        if (s != null && sameAscii(s, b, from, to)) {
            return s;
        }
        s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        slots[idx] = s;
        return s;
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
