package io.kma.registration.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Warnings that repeat every renewal (kube-apiserver down, RBAC missing) logged once per cause per minute, with the
 * number of repeats in between. Bounded: at most {@link #MAX_CAUSES} causes are remembered.
 */
final class OnceAMinuteLog {

    static final long MINUTE_NANOS = 60_000_000_000L;
    static final int MAX_CAUSES = 64;

    private final Logger log;
    private final LongSupplier nanos;
    private final Map<String, long[]> causes = new HashMap<>(); // cause -> {last logged, suppressed since}

    OnceAMinuteLog(Logger log, LongSupplier nanos) {
        this.log = log;
        this.nanos = nanos;
    }

    synchronized int size() {
        return causes.size();
    }

    /** Logs {@code message} unless the same message was logged less than a minute ago; returns whether it did. */
    synchronized boolean warn(String message) {
        long now = nanos.getAsLong();
        long[] state = causes.get(message);
        if (state != null && now - state[0] < MINUTE_NANOS) {
            state[1]++;
            return false;
        }
        if (state == null && causes.size() >= MAX_CAUSES) {
            causes.clear();
        }
        long suppressed = state == null ? 0 : state[1];
        causes.put(message, new long[] {now, 0});
        if (suppressed > 0) {
            log.warn("{} (and {} times in the last minute)", message, suppressed);
        } else {
            log.warn("{}", message);
        }
        return true;
    }
}
