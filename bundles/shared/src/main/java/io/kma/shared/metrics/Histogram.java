package io.kma.shared.metrics;

import java.io.IOException;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free Prometheus histogram with fixed upper bounds, for one label set.
 */
public final class Histogram {

    private final double[] bounds;
    private final LongAdder[] counts;
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    public Histogram(double... upperBounds) {
        this.bounds = upperBounds.clone();
        this.counts = new LongAdder[bounds.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Prometheus' DefBuckets. */
    public static double[] defaultBuckets() {
        return new double[] {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
    }

    /** {@code count} buckets starting at {@code start}, each {@code factor} times the previous one. */
    public static double[] exponentialBuckets(double start, double factor, int count) {
        double[] b = new double[count];
        double v = start;
        for (int i = 0; i < count; i++) {
            b[i] = v;
            v *= factor;
        }
        return b;
    }

    public void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts[i].increment();
                break;
            }
        }
        count.increment();
        sum.add(value);
    }

    /**
     * Writes the bucket, sum and count samples.
     *
     * @param name   family name
     * @param labels label pairs without braces, e.g. {@code node="n1"}, or empty
     */
    public void writeSamples(Appendable out, String name, String labels) throws IOException {
        long cumulative = 0;
        String sep = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i].sum();
            out.append(name).append("_bucket{").append(sep).append("le=\"").append(formatBound(bounds[i]))
                    .append("\"} ").append(Long.toString(cumulative)).append('\n');
        }
        long total = count.sum();
        out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(Long.toString(total)).append('\n');
        String braces = labels.isEmpty() ? "" : "{" + labels + "}";
        out.append(name).append("_sum").append(braces).append(' ').append(Double.toString(sum.sum())).append('\n');
        out.append(name).append("_count").append(braces).append(' ').append(Long.toString(total)).append('\n');
    }

    static String formatBound(double b) {
        if (b == Math.rint(b) && Math.abs(b) < 1e15) {
            return Long.toString((long) b);
        }
        return Double.toString(b);
    }
}
