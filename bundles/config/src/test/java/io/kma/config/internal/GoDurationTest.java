package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertEquals(15_000L, GoDuration.parseMillis("15s").getAsLong());
        assertEquals(90_000L, GoDuration.parseMillis("1m30s").getAsLong());
        assertEquals(1_500L, GoDuration.parseMillis("1.5s").getAsLong());
        assertEquals(3_600_000L + 1L, GoDuration.parseMillis("1h1ms").getAsLong());
        assertEquals(0L, GoDuration.parseMillis("0").getAsLong());
        assertEquals(0L, GoDuration.parseMillis("999us").getAsLong());
        assertEquals(-2_000L, GoDuration.parseMillis("-2s").getAsLong());
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String bad : new String[] {"10x", "15", "s", "", "1m 30s", "1.5.s", "-"}) {
            assertTrue(GoDuration.parseMillis(bad).isEmpty(), bad);
        }
    }

    @Test
    void formatsLikeGo() {
        assertEquals("15s", GoDuration.format(15_000));
        assertEquals("1m30s", GoDuration.format(90_000));
        assertEquals("13.5s", GoDuration.format(13_500));
        assertEquals("1h0m0s", GoDuration.format(3_600_000));
        assertEquals("500ms", GoDuration.format(500));
    }

    @Test
    void parsesSizes() {
        assertEquals(16L << 20, ByteSize.parse("16Mi"));
        assertEquals(1_000_000L, ByteSize.parse("1M"));
        assertEquals(4096L, ByteSize.parse("4096"));
        assertEquals(-1L, ByteSize.parse("16MB"));
        assertEquals(-1L, ByteSize.parse("99999999999Ti"));
    }
}
