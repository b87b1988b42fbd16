package io.kma.metrics.api.internal;

/**
 * Canonical Kubernetes quantity strings (apimachinery {@code resource.Quantity.String()}), written without
 * regex or String.format because every item of a 350,000-pod list needs two of them.
 */
final class Quantities {

    private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {
    }

    /** CPU in nanocores as a DecimalSI quantity at scale -9: 4710169n, 1500u, 500m, 1, 2k, 0. */
    static String cpu(long nanoCores) {
        return decimal(nanoCores, -9);
    }

    /**
     * Memory in bytes as a BinarySI quantity: 12240Ki, 5Mi, 1025. As apimachinery does, values
     * strictly between -1024 and 1024 are written in DecimalSI (1000 is "1k").
     */
    static String memory(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        if (bytes > -1024 && bytes < 1024) {
            return decimal(bytes, 0);
        }
        long amount = bytes;
        int exponent = 0;
        // Only exact powers of 1024 get a suffix; Long.MIN_VALUE is never a working set.
        while (exponent < BINARY_SUFFIXES.length - 1 && amount % 1024 == 0) {
            amount /= 1024;
            exponent++;
        }
        String number = Long.toString(amount);
        return exponent == 0 ? number : number.concat(BINARY_SUFFIXES[exponent]);
    }

    /** value × 10^scale in canonical DecimalSI (int64Amount.AsCanonicalBytes). */
    static String decimal(long value, int scale) {
        if (value == 0) {
            return "0";
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
        int index = exponent / 3 + 3;
        String number = Long.toString(amount);
        if (index < 0 || index >= DECIMAL_SUFFIXES.length) {
            // Beyond E or below n: apimachinery switches to exponent notation.
            return number + "e" + exponent;
        }
        String suffix = DECIMAL_SUFFIXES[index];
        return suffix.isEmpty() ? number : number.concat(suffix);
    }
}
