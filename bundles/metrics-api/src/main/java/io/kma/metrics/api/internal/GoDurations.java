package io.kma.metrics.api.internal;

/**
 * Go's {@code time.Duration.String()}, which is what {@code metav1.Duration} writes: "15.012s", "1m0.5s",
 * "1h0m0s", "0s", "1µs" (U+00B5).
 */
final class GoDurations {

    private GoDurations() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // Port of time.Duration.String: fill a buffer from the right.
        char[] buf = new char[32];
        int w = buf.length;
        boolean neg = nanos < 0;
        long u = neg ? -nanos : nanos; // Long.MIN_VALUE is not a window
        if (u < 1_000_000_000L) {
            int prec;
            w--;
            buf[w] = 's';
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
            long[] state = {u};
            w = fmtFrac(buf, w, state, prec);
            w = fmtInt(buf, w, state[0]);
        } else {
            w--;
            buf[w] = 's';
            long[] state = {u};
            w = fmtFrac(buf, w, state, 9);
            u = state[0];
            w = fmtInt(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                w--;
                buf[w] = 'm';
                w = fmtInt(buf, w, u % 60);
                u /= 60;
                if (u > 0) {
                    w--;
                    buf[w] = 'h';
                    w = fmtInt(buf, w, u);
                }
            }
        }
        if (neg) {
            w--;
            buf[w] = '-';
        }
        return new String(buf, w, buf.length - w);
    }

    /** Writes the fraction of state[0]/10^prec without trailing zeros; leaves the integer part in state[0]. */
    private static int fmtFrac(char[] buf, int w, long[] state, int prec) {
        long v = state[0];
        boolean print = false;
        for (int i = 0; i < prec; i++) {
            long digit = v % 10;
            print = print || digit != 0;
            if (print) {
                w--;
                buf[w] = (char) ('0' + digit);
            }
            v /= 10;
        }
        if (print) {
            w--;
            buf[w] = '.';
        }
        state[0] = v;
        return w;
    }

    private static int fmtInt(char[] buf, int w, long v) {
        if (v == 0) {
            w--;
            buf[w] = '0';
            return w;
        }
        while (v > 0) {
            w--;
            buf[w] = (char) ('0' + v % 10);
            v /= 10;
        }
        return w;
    }
}
