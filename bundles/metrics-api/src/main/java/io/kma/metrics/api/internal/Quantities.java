package io.kma.metrics.api.internal;

/**
 * Canonical Kubernetes quantity strings (apimachinery {@code resource.Quantity.String()}), written without
 * regex, String.format or intermediate strings: every item of a 350,000-pod list needs several, so the
 * hot path formats into a caller's char buffer.
 */
final class Quantities {

    /** Longest result: 19 digits plus 2 digits of exponent padding plus a suffix, or "e" and an exponent. */
    static final int MAX_CHARS = 32;

    private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {
    }

    /** CPU in nanocores as a DecimalSI quantity at scale -9: 4710169n, 1500u, 500m, 1, 2k, 0. */
    static String cpu(long nanoCores) {
        char[] b = new char[MAX_CHARS];
        return new String(b, 0, cpu(nanoCores, b));
    }

    /** Memory in bytes as canonical BinarySI: 12240Ki, 5Mi, 1025 (and 1000 as "1k", see {@link #memory(long, char[])}). */
    static String memory(long bytes) {
        char[] b = new char[MAX_CHARS];
        return new String(b, 0, memory(bytes, b));
    }

    /** Writes {@link #cpu(long)} into {@code out}; returns the length. */
    static int cpu(long nanoCores, char[] out) {
        return decimal(nanoCores, -9, out);
    }

    /**
     * Writes the memory quantity into {@code out}; returns the length. As apimachinery does, values strictly
     * between -1024 and 1024 are written in DecimalSI (1000 is "1k").
     */
    static int memory(long bytes, char[] out) {
        if (bytes > -1024 && bytes < 1024) {
            return decimal(bytes, 0, out);
        }
        long amount = bytes;
        int exponent = 0;
        // Only exact powers of 1024 get a suffix; Long.MIN_VALUE is never a working set.
        while (exponent < BINARY_SUFFIXES.length - 1 && amount % 1024 == 0) {
            amount /= 1024;
            exponent++;
        }
        int n = digits(amount, out, 0);
        return append(BINARY_SUFFIXES[exponent], out, n);
    }

    /** value × 10^scale in canonical DecimalSI (int64Amount.AsCanonicalBytes). */
    static int decimal(long value, int scale, char[] out) {
        if (value == 0) {
            out[0] = '0';
            return 1;
        }
        long amount = value;
        int exponent = scale;
        while (amount % 10 == 0) {
            amount /= 10;
            exponent++;
        }
        // Go's % truncates toward zero like Java's: 1 and -2 need one more digit, 2 and -1 two more.
        switch (exponent % 3) {
            case 1: case -2:
                amount *= 10;
                exponent -= 1;
                break;
            case 2: case -1:
                amount *= 100;
                exponent -= 2;
                break;
            default:
                break;
        }
        int n = digits(amount, out, 0);
        int index = exponent / 3 + 3;
        if (index < 0 || index >= DECIMAL_SUFFIXES.length) {
            // Beyond E or below n: apimachinery switches to exponent notation.
            return append("e" + exponent, out, n);
        }
        return append(DECIMAL_SUFFIXES[index], out, n);
    }

    private static int digits(long v, char[] out, int at) {
        int n = at;
        long u = v;
        if (u < 0) {
            out[n++] = '-';
            u = -u;
        }
        int start = n;
        do {
            out[n++] = (char) ('0' + u % 10);
            u /= 10;
        } while (u > 0);
        for (int i = start, j = n - 1; i < j; i++, j--) {
            char t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return n;
    }

    private static int append(String suffix, char[] out, int at) {
        suffix.getChars(0, suffix.length(), out, at);
        return at + suffix.length();
    }
}
