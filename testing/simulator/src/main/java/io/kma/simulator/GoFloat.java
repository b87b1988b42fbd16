package io.kma.simulator;

/**
 * Formats decimals the way Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} prints them, which is
 * what the kubelet's Prometheus text output uses: exponent form for exponents below -4 or from 6 up
 * ({@code 1.4864384e+07}), plain form otherwise ({@code 357.35491}).
 * Works on exact decimals (unscaled × 10^-scale) so that no binary rounding creeps in; the digits
 * are the shortest representation as long as they fit in 15 significant digits, as ours do.
 */
public final class GoFloat {
    private GoFloat() {
    }

    /** Appends unscaled × 10^-scale in Go %g form. unscaled ≥ 0. */
    public static void append(ByteSink out, long unscaled, int scale) {
        if (unscaled == 0) {
            out.put((byte) '0');
            return;
        }
        while (unscaled % 10 == 0) {
            unscaled /= 10;
            scale--;
        }
        byte[] digits = new byte[20];
        int nd = 0;
        for (long v = unscaled; v > 0; v /= 10) {
            digits[nd++] = (byte) ('0' + v % 10);
        }
        // digits are reversed; d[0] is the most significant at digits[nd-1]
        int dp = nd - scale; // decimal point position after dp digits
        int exp = dp - 1;
        if (exp < -4 || exp >= 6) {
            out.put(digits[nd - 1]);
            if (nd > 1) {
                out.put((byte) '.');
                for (int i = nd - 2; i >= 0; i--) {
                    out.put(digits[i]);
                }
            }
            out.put((byte) 'e');
            out.put((byte) (exp < 0 ? '-' : '+'));
            int e = Math.abs(exp);
            if (e < 10) {
                out.put((byte) '0');
            }
            out.putAscii(Integer.toString(e));
            return;
        }
        if (dp <= 0) {
            out.put((byte) '0');
            out.put((byte) '.');
            for (int i = 0; i < -dp; i++) {
                out.put((byte) '0');
            }
            for (int i = nd - 1; i >= 0; i--) {
                out.put(digits[i]);
            }
            return;
        }
        for (int i = 0; i < Math.max(nd, dp); i++) {
            if (i == dp) {
                out.put((byte) '.');
            }
            out.put(i < nd ? digits[nd - 1 - i] : (byte) '0');
        }
    }

    public static String format(long unscaled, int scale) {
        ByteSink s = new ByteSink(32);
        append(s, unscaled, scale);
        return s.toAsciiString();
    }
}
