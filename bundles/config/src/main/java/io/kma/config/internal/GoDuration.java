package io.kma.config.internal;

import java.math.BigDecimal;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kma.shared.time.GoDurations;

/** Go's {@code time.ParseDuration} grammar (what upstream metrics-server flags accept), in milliseconds. */
final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /** The duration in milliseconds (sub-millisecond parts are rounded down); empty if the text is not a duration. */
    static OptionalLong parseMillis(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return OptionalLong.of(0);
        }
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int pos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                return OptionalLong.empty();
            }
            nanos = nanos.add(new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
                    .multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            pos = m.end();
        }
        long millis = nanos.movePointLeft(6).longValue();
        return OptionalLong.of(negative ? -millis : millis);
    }

    /** Go's {@code Duration.String()} of whole milliseconds: 15s, 1m30s, 1.5s, 500ms. */
    static String format(long millis) {
        return GoDurations.ofMillis(millis);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }
}
