package io.kma.shared.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void bucketsAreCumulativeWithInfSumAndCount() throws Exception {
        Histogram h = new Histogram(0.1, 1, 2.5);
        h.observe(0.05);
        h.observe(0.1); // on the bound: counts in that bucket (le)
        h.observe(2);
        h.observe(7);
        StringBuilder out = new StringBuilder();
        h.writeSamples(out, "x_seconds", "node=\"n1\"");
        assertEquals("""
                x_seconds_bucket{node="n1",le="0.1"} 2
                x_seconds_bucket{node="n1",le="1"} 2
                x_seconds_bucket{node="n1",le="2.5"} 3
                x_seconds_bucket{node="n1",le="+Inf"} 4
                x_seconds_sum{node="n1"} 9.15
                x_seconds_count{node="n1"} 4
                """, out.toString());
    }

    @Test
    void withoutLabelsNoBraces() throws Exception {
        Histogram h = new Histogram(Histogram.defaultBuckets());
        StringBuilder out = new StringBuilder();
        h.writeSamples(out, "y", "");
        assertEquals("y_bucket{le=\"0.005\"} 0", out.toString().lines().findFirst().orElseThrow());
        assertEquals("y_sum 0.0\ny_count 0\n", out.substring(out.indexOf("y_sum")));
    }

    @Test
    void bucketLayouts() {
        assertArrayEquals(new double[] {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, Histogram.defaultBuckets());
        assertArrayEquals(new double[] {1, 2, 4, 8}, Histogram.exponentialBuckets(1, 2, 4));
        assertEquals("10", Histogram.formatBound(10));
        assertEquals("0.25", Histogram.formatBound(.25));
        assertEquals("1.0E15", Histogram.formatBound(1e15));
    }
}
