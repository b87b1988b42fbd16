package io.kma.metrics.api.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code metav1.Time} as JSON writes it: RFC 3339 in UTC with second precision ("2026-08-04T10:00:01Z").
 * Items of one list share a handful of distinct seconds, so the last one formatted is remembered.
 */
final class Rfc3339 {

    private record Cached(long second, String text) {
    }

    // One per writer (per request), so no synchronization is needed.
    private Cached last = new Cached(Long.MIN_VALUE, "");

    /** Formats epoch nanoseconds (floored to the second). */
    String formatNanos(long epochNanos) {
        return formatSecond(Math.floorDiv(epochNanos, 1_000_000_000L));
    }

    String formatSecond(long epochSecond) {
        Cached c = last;
        if (c.second == epochSecond) {
            return c.text;
        }
        String text = format(epochSecond);
        last = new Cached(epochSecond, text);
        return text;
    }

    static String format(Instant instant) {
        return format(instant.getEpochSecond());
    }

    static String format(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        char[] b = new char[20];
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            // Go writes such years too, but no kubelet clock is that far off; keep the common path simple.
            return t.toString() + "Z";
        }
        put4(b, 0, year);
        b[4] = '-';
        put2(b, 5, t.getMonthValue());
        b[7] = '-';
        put2(b, 8, t.getDayOfMonth());
        b[10] = 'T';
        put2(b, 11, t.getHour());
        b[13] = ':';
        put2(b, 14, t.getMinute());
        b[16] = ':';
        put2(b, 17, t.getSecond());
        b[19] = 'Z';
        return new String(b);
    }

    private static void put2(char[] b, int at, int v) {
        b[at] = (char) ('0' + v / 10);
        b[at + 1] = (char) ('0' + v % 10);
    }

    private static void put4(char[] b, int at, int v) {
        put2(b, at, v / 100);
        put2(b, at + 2, v % 100);
    }
}
