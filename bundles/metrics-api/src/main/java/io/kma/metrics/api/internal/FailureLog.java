package io.kma.metrics.api.internal;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

import io.kma.api.metrics.MetricsSource;

/**
 * Expected failures (401, 403, 500 for authorizer errors) by category: counted for /metrics, and logged
 * as one WARN line per category per interval, with the number of failures of that category since the
 * last line. Categories are a fixed set named in code, so neither the counters nor the log can be grown
 * by what callers send; details carry caller values only through {@link LogText}, never tokens.
 */
final class FailureLog implements MetricsSource {

    static final String METRIC = "kube_metrics_appliance_request_auth_failures_total";

    private record Category(LongAdder total, AtomicLong sinceLog, AtomicLong lastLogged) {
    }

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Category> categories = new ConcurrentHashMap<>();

    FailureLog(Logger log, long intervalMillis, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /**
     * Counts a failure; logs it when its category has not been logged within the interval.
     *
     * @param category one of a fixed set of names in code (a label value)
     * @return true when the line was written
     */
    boolean warn(String category, String detail) {
        long now = nanoClock.getAsLong();
        Category c = categories.computeIfAbsent(category,
                k -> new Category(new LongAdder(), new AtomicLong(), new AtomicLong(now - intervalNanos)));
        c.total().increment();
        long suppressed = c.sinceLog().incrementAndGet();
        long last = c.lastLogged().get();
        if (now - last < intervalNanos || !c.lastLogged().compareAndSet(last, now)) {
            return false;
        }
        c.sinceLog().addAndGet(-suppressed);
        if (suppressed > 1) {
            log.warn("{} [{}; {} such failures in the last {} s]", detail, category, suppressed, intervalNanos / 1_000_000_000L);
        } else {
            log.warn("{} [{}]", detail, category);
        }
        return true;
    }

    /** Counts a failure that is not logged (as upstream logs 403 only at high verbosity). */
    void count(String category) {
        categories.computeIfAbsent(category, k -> new Category(new LongAdder(), new AtomicLong(),
                new AtomicLong(nanoClock.getAsLong() - intervalNanos))).total().increment();
    }

    long counted(String category) {
        Category c = categories.get(category);
        return c == null ? 0 : c.total().sum();
    }

    @Override
    public void writeTo(Appendable out) throws IOException {
        out.append("# HELP ").append(METRIC)
                .append(" [ALPHA] Requests refused by authentication or authorization, by category.\n");
        out.append("# TYPE ").append(METRIC).append(" counter\n");
        Map<String, Category> sorted = new TreeMap<>(categories);
        for (Map.Entry<String, Category> e : sorted.entrySet()) {
            out.append(METRIC).append("{category=\"").append(e.getKey()).append("\"} ")
                    .append(Long.toString(e.getValue().total().sum())).append('\n');
        }
    }
}
