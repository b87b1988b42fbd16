package io.kma.shared.time;

/**
 * Go's {@code time.Duration.String()}: what {@code metav1.Duration} writes and what Kubernetes operators read in
 * messages, e.g. "2m31s", "1h0m0s", "1.234s", "1.5ms", "1µs" (U+00B5), "0s", "-1m0s".
 */
public final class GoDurations {

    private GoDurations() {
    }

    /** A duration of whole milliseconds, as Go prints it. */
    public static String ofMillis(long millis) {
        return format(Math.multiplyExact(millis, 1_000_000L));
    }

    /** A duration in nanoseconds (Go's unit), as Go prints it; every long value, Long.MIN_VALUE included. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // A port of time.Duration.String: the buffer is filled from the right. u is the magnitude read as unsigned,
        // so that -Long.MIN_VALUE (2^63) is printed right, as Go does with uint64.
        char[] buf = new char[32];
        int w = buf.length;
        boolean neg = nanos < 0;
        long u = neg ? -nanos : nanos;
        w--;
        buf[w] = 's';
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            // less than a second: one unit (ns, µs, ms) and a fraction
            int prec;
            w--;
            if (u < 1_000L) {
                prec = 0;
                buf[w] = 'n';
            } else if (u < 1_000_000L) {
                prec = 3;
                buf[w] = '\u00b5';
            } else {
                prec = 6;
                buf[w] = 'm';
            }
            w = fraction(buf, w, u, prec);
            w = integer(buf, w, u / pow10(prec));
        } else {
            w = fraction(buf, w, u, 9);
            u = Long.divideUnsigned(u, 1_000_000_000L);
            w = integer(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                w--;
                buf[w] = 'm';
                w = integer(buf, w, u % 60);
                u /= 60;
                if (u > 0) {
                    w--;
                    buf[w] = 'h';
                    w = integer(buf, w, u);
                }
            }
        }
        if (neg) {
            w--;
            buf[w] = '-';
        }
        return new String(buf, w, buf.length - w);
    }

    /** Writes the last {@code prec} digits of unsigned {@code v} as ".ddd" without trailing zeros, if any is not 0. */
    private static int fraction(char[] buf, int w, long v, int prec) {
        boolean print = false;
        for (int i = 0; i < prec; i++) {
            int digit = (int) Long.remainderUnsigned(v, 10);
            print = print || digit != 0;
            if (print) {
                w--;
                buf[w] = (char) ('0' + digit);
            }
            v = Long.divideUnsigned(v, 10);
        }
        if (print) {
            w--;
            buf[w] = '.';
        }
        return w;
    }

    /** Writes non-negative {@code v} in decimal. */
    private static int integer(char[] buf, int w, long v) {
        do {
            w--;
            buf[w] = (char) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        return w;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
