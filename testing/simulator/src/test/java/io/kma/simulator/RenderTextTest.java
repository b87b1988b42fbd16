package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The hand-written uid and timestamp texts are exactly what String.format and ISO_INSTANT wrote before. */
class RenderTextTest {

    @Test
    void uidsAsFormatted() {
        SplittableRandom r = new SplittableRandom(14);
        long[] edges = {0, 1, 0xfffL, 0xffffffffffffL, Long.MAX_VALUE, -1L, Long.MIN_VALUE};
        for (long seed : edges) {
            assertEquals(formatted(0x90d, seed), Uids.uid(0x90d, seed));
        }
        for (int i = 0; i < 10_000; i++) {
            int kind = r.nextInt();
            long seed = r.nextLong();
            assertEquals(formatted(kind, seed), Uids.uid(kind, seed));
        }
    }

    @Test
    void timesAsIsoInstant() {
        SplittableRandom r = new SplittableRandom(14);
        long[] edges = {0, -1, 59, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 253_402_300_799L /* 9999-12-31T23:59:59 */,
            -62_167_219_200L /* 0000-01-01 */};
        for (long s : edges) {
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s)), Render.time(s), "epoch second " + s);
        }
        for (int i = 0; i < 10_000; i++) {
            long s = r.nextLong(-70_000_000_000L, 300_000_000_000L); // years 0-9999 and beyond on either side
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s)), Render.time(s), "epoch second " + s);
        }
    }

    private static String formatted(int kind, long seed) {
        return String.format("%08x-%04x-4%03x-8%03x-%012x", 0x5a11ab1e, kind & 0xffff, (seed >>> 48) & 0xfff,
                (seed >>> 36) & 0xfff, seed & 0xffffffffffffL);
    }
}
