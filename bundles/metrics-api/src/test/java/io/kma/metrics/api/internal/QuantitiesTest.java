package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decimal digits under every quantity ({@link Quantities#digits}, {@link Quantities#digitCount}) at the
 * edges where a two-digits-at-a-time writer and a bit-length count go wrong (one digit, the 9→10 and 99→100
 * steps, 10^18, the long's limits), and the quantities built on them at those edges.
 */
class QuantitiesTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1_000_000_000L, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -9, -10, -99, -100, -1_000_000_000_000_000_000L,
        -Long.MAX_VALUE, Long.MIN_VALUE})
    void digitsAreLongToString(long v) {
        assertDigits(v);
    }

    @Test
    void digitsAreLongToStringAtEveryPowerOfTenAndItsNeighbours() {
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) {
            for (long v : new long[] {p - 1, p, p + 1, -p, -(p - 1)}) {
                assertDigits(v);
            }
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
    }

    @Test
    void digitsAreLongToStringForRandomValuesOfEveryBitLength() {
        SplittableRandom random = new SplittableRandom(14);
        for (int bits = 1; bits < 64; bits++) {
            for (int i = 0; i < 200; i++) {
                long v = random.nextLong() >>> (64 - bits);
                assertDigits(v);
                assertDigits(-v);
            }
        }
    }

    @Test
    void digitsWriteAtAnOffsetAndLeaveTheRestAlone() {
        char[] out = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".toCharArray();
        int end = Quantities.digits(12_240L, out, 3);
        assertEquals(8, end);
        assertEquals("xxx12240xxxxxxxxxxxxxxxxxxxxxx", new String(out));
    }

    @ParameterizedTest
    @CsvSource({
        "9223372036854775807, 9223372036854775807n", "-1500000, -1500u", "-1, -1n", "9, 9n", "99, 99n",
        "1000000000000000000, 1G", "999999999999999999, 999999999999999999n", "-9223372036854775807, -9223372036854775807n"})
    void cpuAtTheEdges(long nanoCores, String expected) {
        assertEquals(expected, Quantities.cpu(nanoCores));
        assertEquals(expected.length(), Quantities.cpuLength(nanoCores));
    }

    @ParameterizedTest
    @CsvSource({
        "9223372036854775807, 9223372036854775807", "-1024, -1Ki", "-1025, -1025", "-1023, -1023", "999, 999",
        "1152921504606846976, 1Ei", "4611686018427387904, 4Ei", "-9223372036854775808, -8Ei",
        "1099511627775, 1099511627775", "10240, 10Ki", "1048576000, 1000Mi"})
    void memoryAtTheEdges(long bytes, String expected) {
        assertEquals(expected, Quantities.memory(bytes));
        assertEquals(expected.length(), Quantities.memoryLength(bytes));
    }

    private static void assertDigits(long v) {
        char[] out = new char[Quantities.MAX_CHARS];
        int n = Quantities.digits(v, out, 0);
        assertEquals(Long.toString(v), new String(out, 0, n), "digits of " + v);
        assertEquals(Long.toString(v).length(), Quantities.digitCount(v), "digitCount of " + v);
    }
}
