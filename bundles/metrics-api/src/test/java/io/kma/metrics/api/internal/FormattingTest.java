package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Quantity and time strings byte-for-byte as apimachinery and Go write them (reference §4.2, §4.6); the window's
 * duration string is io.kma.shared.time.GoDurations, tested there against Go's own table.
 */
class FormattingTest {

    @ParameterizedTest
    @CsvSource({
        "4710169, 4710169n", "1500000, 1500u", "500000000, 500m", "1000000000, 1", "0, 0",
        "10000000, 10m", "1500000000, 1500m", "2000000000000, 2k", "100, 100n", "1000, 1u", "10, 10n",
        "179554087, 179554087n", "123456789, 123456789n", "250000000000, 250", "1, 1n", "3000000000, 3"})
    void cpuIsDecimalSiAtNanoScale(long nanoCores, String expected) {
        assertEquals(expected, Quantities.cpu(nanoCores));
    }

    @ParameterizedTest
    @CsvSource({
        "12533760, 12240Ki", "5242880, 5Mi", "1025, 1025", "1536, 1536", "1024, 1Ki", "0, 0", "512, 512",
        "1000, 1k", "1629532160, 1591340Ki", "1073741824, 1Gi", "1099511627776, 1Ti", "4097, 4097", "1023, 1023"})
    void memoryIsCanonicalBinarySi(long bytes, String expected) {
        assertEquals(expected, Quantities.memory(bytes));
    }

    @Test
    void timesAreRfc3339UtcSeconds() {
        Instant t = Instant.parse("2026-08-04T10:00:01.987654321Z");
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        Rfc3339 f = new Rfc3339();
        assertEquals("2026-08-04T10:00:01Z", f.formatNanos(nanos));
        assertEquals("2026-08-04T10:00:01Z", f.formatNanos(nanos - 900_000_000L), "same second, cached");
        assertEquals("2026-08-04T10:00:02Z", f.formatNanos(nanos + 100_000_000L));
        assertEquals("1970-01-01T00:00:00Z", new Rfc3339().formatSecond(0L));
        assertEquals("2000-02-29T23:59:59Z", new Rfc3339().formatSecond(Instant.parse("2000-02-29T23:59:59Z").getEpochSecond()));
        assertEquals("1969-12-31T23:59:59Z", f.formatNanos(-1), "floors before the epoch");
    }

    /** Byte for byte what the hand-written formatter printed before it became ISO_INSTANT: years 0000 to 9999. */
    @Test
    void timesAreTheFixedWidthPatternOverTheWholeFourDigitRange() {
        DateTimeFormatter fixed = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 20_000; i++) {
            long second = i == 0 ? first : i == 1 ? last : random.nextLong(first, last + 1);
            assertEquals(fixed.format(Instant.ofEpochSecond(second)), new Rfc3339().formatSecond(second));
        }
    }
}
