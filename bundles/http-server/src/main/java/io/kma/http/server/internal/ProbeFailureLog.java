package io.kma.http.server.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failing probe as one line, like upstream's {@code "Failed probe" probe=<name> err=<msg>}, at
 * most once a minute per probe: kubelets and load balancers probe every few seconds, and a failing
 * readiness check must not flood the journal.
 */
final class ProbeFailureLog {

    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);

    private final LongSupplier nanoClock;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    ProbeFailureLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** @return whether this failure was logged */
    boolean failed(String probe, String reason) {
        long now = nanoClock.getAsLong();
        Long last = lastLogged.get(probe);
        if (last != null && now - last < INTERVAL_NANOS) {
            return false;
        }
        boolean won = last == null ? lastLogged.putIfAbsent(probe, now) == null : lastLogged.replace(probe, last, now);
        if (won) {
            LOG.warn("Failed probe probe={} err={}", probe, reason);
        }
        return won;
    }
}
