package io.kma.scraper.internal;

/** Durations as Go prints them in messages operators already know: 10s, 1.5s, 500ms. */
final class Durations {

    private Durations() {
    }

    static String format(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.3gs", millis / 1000.0).replaceAll("\\.?0+s$", "s");
    }
}
