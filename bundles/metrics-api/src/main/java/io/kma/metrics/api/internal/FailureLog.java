package io.kma.metrics.api.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Logs an expected failure as one WARN line the first time its cause is seen, then at most once per
 * interval, so a misconfigured client polling every second does not flood the log. Causes never carry
 * secrets (callers pass CNs, user names and reasons, never tokens or headers).
 */
final class FailureLog {

    private static final int MAX_CAUSES = 1000;

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    FailureLog(Logger log, long intervalMillis, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** @return true when the line was written */
    boolean warn(String cause) {
        long now = nanoClock.getAsLong();
        Long last = lastLogged.get(cause);
        if (last != null && now - last < intervalNanos) {
            return false;
        }
        if (lastLogged.size() >= MAX_CAUSES) {
            lastLogged.clear();
        }
        lastLogged.put(cause, now);
        log.warn(cause);
        return true;
    }
}
