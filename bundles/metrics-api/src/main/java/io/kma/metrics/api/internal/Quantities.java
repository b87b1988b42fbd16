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

    /** 10^0 … 10^18: every power of ten a long holds. */
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

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
        int exponent = binaryExponent(bytes);
        int n = digits(bytes >> 10 * exponent, out, 0);
        return append(BINARY_SUFFIXES[exponent], out, n);
    }

    /** value × 10^scale in canonical DecimalSI (int64Amount.AsCanonicalBytes). */
    static int decimal(long value, int scale, char[] out) {
        if (value == 0) {
            out[0] = '0';
            return 1;
        }
        int exponent = decimalExponent(value, scale);
        int n = digits(value / POW10[exponent - scale], out, 0);
        int index = exponent / 3 + 3;
        if (index < 0 || index >= DECIMAL_SUFFIXES.length) {
            // Beyond E or below n: apimachinery switches to exponent notation.
            return append("e" + exponent, out, n);
        }
        return append(DECIMAL_SUFFIXES[index], out, n);
    }

    /** The length {@link #cpu(long, char[])} returns, counted without writing: a list's envelope states it first. */
    static int cpuLength(long nanoCores) {
        return decimalLength(nanoCores, -9);
    }

    /** The length {@link #memory(long, char[])} returns, counted without writing. */
    static int memoryLength(long bytes) {
        if (bytes > -1024 && bytes < 1024) {
            return decimalLength(bytes, 0);
        }
        int exponent = binaryExponent(bytes);
        return digitCount(bytes >> 10 * exponent) + BINARY_SUFFIXES[exponent].length();
    }

    private static int decimalLength(long value, int scale) {
        if (value == 0) {
            return 1;
        }
        int exponent = decimalExponent(value, scale);
        int n = digitCount(value / POW10[exponent - scale]);
        int index = exponent / 3 + 3;
        if (index < 0 || index >= DECIMAL_SUFFIXES.length) {
            return n + 1 + digitCount(exponent);
        }
        return n + DECIMAL_SUFFIXES[index].length();
    }

    /**
     * The canonical exponent of value × 10^scale (value not 0): trailing zeros moved into the exponent, then
     * back until it is a multiple of 3. The mantissa is value / 10^(exponent - scale), exactly.
     */
    private static int decimalExponent(long value, int scale) {
        long amount = value;
        int exponent = scale;
        while (amount % 10 == 0) {
            amount /= 10;
            exponent++;
        }
        // Go's % truncates toward zero like Java's: 1 and -2 need one more digit, 2 and -1 two more.
        switch (exponent % 3) {
            case 1: case -2:
                return exponent - 1;
            case 2: case -1:
                return exponent - 2;
            default:
                return exponent;
        }
    }

    /**
     * How many times 1024 divides {@code bytes} (not 0), up to Ei: the mantissa is bytes >> 10 × that. Only
     * exact powers of 1024 get a suffix; 1024^k divides a long exactly when its low 10k bits are 0, negative or not.
     */
    private static int binaryExponent(long bytes) {
        return Math.min(BINARY_SUFFIXES.length - 1, Long.numberOfTrailingZeros(bytes) / 10);
    }

    /**
     * "00" to "99": {@link #digits} writes two digits per division, which halves the long divisions of a
     * list's quantities (two to four per container, 700,000 containers in a 350,000-pod list).
     */
    private static final char[] PAIRS = new char[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (char) ('0' + i / 10);
            PAIRS[2 * i + 1] = (char) ('0' + i % 10);
        }
    }

    /** The length of {@code v} in decimal, with its sign. */
    static int digitCount(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digitCount(-v);
        }
        if (v < 10) {
            return 1;
        }
        // log10(2) ≈ 1233 / 4096: from the bit length, one digit short or exact, so one comparison instead of a loop
        int n = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
        return n + (v >= POW10[n] ? 1 : 0);
    }

    /** Writes {@code v} in decimal at {@code at}; returns the end. Knows its length first, so no reversal. */
    static int digits(long v, char[] out, int at) {
        if (v == Long.MIN_VALUE) { // -v overflows; Go's strconv writes it in full
            return append(Long.toString(v), out, at);
        }
        int n = at;
        long u = v;
        if (u < 0) {
            out[n++] = '-';
            u = -u;
        }
        int end = n + digitCount(u);
        int i = end;
        while (u >= 100) {
            int pair = (int) (u % 100) << 1;
            u /= 100;
            out[--i] = PAIRS[pair + 1];
            out[--i] = PAIRS[pair];
        }
        int last = (int) u << 1; // 0 to 99
        out[--i] = PAIRS[last + 1];
        if (u >= 10) {
            out[--i] = PAIRS[last];
        }
        return end;
    }

    private static int append(String suffix, char[] out, int at) {
        suffix.getChars(0, suffix.length(), out, at);
        return at + suffix.length();
    }
}
