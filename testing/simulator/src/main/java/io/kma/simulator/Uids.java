package io.kma.simulator;

/** Deterministic UUID-shaped uids, derived instead of stored so that 350,000 pods stay small. */
final class Uids {
    private Uids() {
    }

    static String uid(int kind, long seed) {
        return String.format("%08x-%04x-4%03x-8%03x-%012x", 0x5a11ab1e, kind & 0xffff, (seed >>> 48) & 0xfff,
                (seed >>> 36) & 0xfff, seed & 0xffffffffffffL);
    }
}
