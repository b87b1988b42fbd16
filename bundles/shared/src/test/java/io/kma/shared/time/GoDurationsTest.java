package io.kma.shared.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationsTest {

    /** Go's own table: durationTests in golang/go src/time/time_test.go (TestDurationString), verbatim. */
    @ParameterizedTest
    @CsvSource({
        "0s, 0",
        "1ns, 1",
        "1.1µs, 1100",
        "2.2ms, 2200000",
        "3.3s, 3300000000",
        "4m5s, 245000000000",
        "4m5.001s, 245001000000",
        "5h6m7.001s, 18367001000000",
        "8m0.000000001s, 480000000001",
        "2562047h47m16.854775807s, 9223372036854775807",
        "-2562047h47m16.854775808s, -9223372036854775808"})
    void printsWhatGoPrints(String go, long nanos) {
        assertEquals(go, GoDurations.format(nanos));
        if (nanos > 0) {
            // TestDurationString checks the negation of every positive entry as well
            assertEquals("-" + go, GoDurations.format(-nanos));
        }
    }

    /** Values an operator meets (fmt.Println of the Duration in Go prints the right-hand side). */
    @ParameterizedTest
    @CsvSource({
        "151000, 2m31s", "3600000, 1h0m0s", "1234, 1.234s", "0, 0s", "-60000, -1m0s", "10000, 10s",
        "500, 500ms", "90000, 1m30s", "13500, 13.5s", "90061000, 25h1m1s", "1, 1ms"})
    void millisecondsAsGoPrintsThem(long millis, String go) {
        assertEquals(go, GoDurations.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({
        "1500000, 1.5ms", "1000, 1µs", "1500, 1.5µs", "999999999, 999.999999ms", "1000000000, 1s",
        "60500000000, 1m0.5s", "15012000000, 15.012s", "-1500000000, -1.5s", "-1, -1ns", "14900000000, 14.9s",
        "10588000000, 10.588s", "90061000000000, 25h1m1s"})
    void subSecondUnitsAndFractions(long nanos, String go) {
        assertEquals(go, GoDurations.format(nanos));
    }

    @Test
    void millisecondsBeyondGoRangeAreRefused() {
        assertThrows(ArithmeticException.class, () -> GoDurations.ofMillis(Long.MAX_VALUE / 1000));
    }
}
