package io.kma.kube.client.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the doctor's kube-apiserver findings word what they quote: exception and server messages on one short line,
 * without the Java class names that mean nothing to the operator, and durations in whole seconds.
 */
final class FindingText {

    private static final int MAX_MESSAGE = 300;
    private static final Pattern CLASS_PREFIX = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ");

    private FindingText() {
    }

    /** The exception's message without the class names Java puts into wrapped messages. */
    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return CLASS_PREFIX.matcher(m).replaceAll("");
    }

    /** The text on one line, cut after {@value #MAX_MESSAGE} characters: a server message can be a whole page. */
    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > MAX_MESSAGE ? one.substring(0, MAX_MESSAGE) + "..." : one;
    }

    /** Whole seconds, at least 1, so that a sub-second bound does not read as "within 0 s". */
    static long seconds(Duration d) {
        return Math.max(1, Math.round(d.toMillis() / 1000.0));
    }
}
