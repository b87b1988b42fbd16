package io.kma.simulator;

/** Deterministic UUID-shaped uids, derived instead of stored so that 350,000 pods stay small. */
final class Uids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Uids() {
    }

    /**
     * {@code %08x-%04x-4%03x-8%03x-%012x} of (0x5a11ab1e, kind, seed bits 48-59, 36-47, 0-47), written by hand:
     * a pod list renders one per pod, and String.format was a quarter of the list's CPU.
     */
    static String uid(int kind, long seed) {
        char[] c = new char[36];
        hex(c, 0, 0x5a11ab1eL, 8);
        c[8] = '-';
        hex(c, 9, kind & 0xffff, 4);
        c[13] = '-';
        c[14] = '4';
        hex(c, 15, (seed >>> 48) & 0xfff, 3);
        c[18] = '-';
        c[19] = '8';
        hex(c, 20, (seed >>> 36) & 0xfff, 3);
        c[23] = '-';
        hex(c, 24, seed & 0xffffffffffffL, 12);
        return new String(c);
    }

    private static void hex(char[] c, int at, long v, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            c[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
