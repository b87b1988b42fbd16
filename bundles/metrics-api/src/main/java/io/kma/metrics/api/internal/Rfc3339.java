package io.kma.metrics.api.internal;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * {@code metav1.Time} as JSON writes it: RFC 3339 in UTC with second precision ("2026-08-04T10:00:01Z"), which is
 * {@link DateTimeFormatter#ISO_INSTANT} of a whole second. Items of one list share a handful of distinct seconds, so
 * the last one formatted is remembered.
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
        String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
        last = new Cached(epochSecond, text);
        return text;
    }
}
