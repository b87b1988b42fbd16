package io.kma.kube.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.http.HealthCheck;
import io.kma.api.metrics.MetricsSource;

/**
 * Circuit breaker in front of TokenReview and SubjectAccessReview: after {@link #FAILURES_TO_OPEN}
 * failures in a row, reviews are not sent for {@link #OPEN_FOR} (each caller fails at once instead of
 * holding a worker for the full timeout), then one trial request decides. Also the {@code /readyz} check
 * {@value #CHECK} that fails while reviews fail, and their counters for {@code /metrics}.
 */
@Component(service = {ReviewBreaker.class, HealthCheck.class, MetricsSource.class},
        property = {HealthCheck.ENDPOINTS + "=readyz", HealthCheck.ORDER + ":Integer=60"})
public final class ReviewBreaker implements HealthCheck, MetricsSource {

    static final String CHECK = "delegated-auth-reviews";
    static final String METRIC = "kube_metrics_appliance_delegated_auth_reviews_total";
    static final int FAILURES_TO_OPEN = 5;
    static final Duration OPEN_FOR = Duration.ofSeconds(5);
    /** A failure this recent keeps /readyz failing although the breaker is closed (one caller's luck is not health). */
    static final Duration RECENT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ReviewBreaker.class);

    /** One review. */
    interface Review<T> {
        T send() throws IOException;
    }

    private final LongSupplier nanoClock;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    // guarded by this
    private int consecutiveFailures;
    private long openUntil;
    private boolean open;
    private boolean trialInFlight;
    private String lastError;
    private long lastFailureAt;
    private boolean failedBefore;

    public ReviewBreaker() {
        this(System::nanoTime);
    }

    ReviewBreaker(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Sends the review unless the breaker is open.
     *
     * @param kind "tokenreview" or "subjectaccessreview", for the counters
     * @throws IOException the review failed, or was not sent because reviews are failing
     */
    <T> T call(String kind, Review<T> review) throws IOException {
        String refusal = permit();
        if (refusal != null) {
            count(kind, "short_circuited");
            throw new IOException(refusal);
        }
        try {
            T result = review.send();
            succeeded();
            count(kind, "ok");
            return result;
        } catch (IOException | RuntimeException e) {
            failed(FindingText.message(e));
            count(kind, "error");
            throw e;
        }
    }

    private synchronized String permit() {
        if (!open) {
            return null;
        }
        long now = nanoClock.getAsLong();
        if (now - openUntil < 0 || trialInFlight) {
            return "not sent: reviews by kube-apiserver are failing (" + consecutiveFailures + " in a row, last: "
                    + lastError + ")";
        }
        trialInFlight = true; // half-open: this one request decides
        return null;
    }

    private synchronized void succeeded() {
        if (open) {
            LOG.info("TokenReview/SubjectAccessReview answered again after {} failures: reviews resume", consecutiveFailures);
        }
        open = false;
        trialInFlight = false;
        consecutiveFailures = 0;
    }

    private synchronized void failed(String error) {
        long now = nanoClock.getAsLong();
        consecutiveFailures++;
        lastError = error;
        lastFailureAt = now;
        failedBefore = true;
        trialInFlight = false;
        if (consecutiveFailures >= FAILURES_TO_OPEN) {
            if (!open) {
                LOG.warn("Failed to make webhook authenticator/authorizer requests {} times in a row (last: {}): not sending "
                        + "reviews for {} s at a time until one succeeds", consecutiveFailures, error, OPEN_FOR.toSeconds());
            }
            open = true;
            openUntil = now + OPEN_FOR.toNanos();
        }
    }

    private void count(String kind, String result) {
        counts.computeIfAbsent(kind + "\u0000" + result, k -> new LongAdder()).increment();
    }

    long counted(String kind, String result) {
        LongAdder a = counts.get(kind + "\u0000" + result);
        return a == null ? 0 : a.sum();
    }

    synchronized boolean isOpen() {
        return open;
    }

    @Override
    public String name() {
        return CHECK;
    }

    @Override
    public synchronized Result check() {
        if (open) {
            return Result.failed("TokenReview/SubjectAccessReview requests to kube-apiserver are failing ("
                    + consecutiveFailures + " in a row, last: " + lastError + "); callers with bearer tokens get 401, "
                    + "authorization checks 500");
        }
        if (consecutiveFailures > 0 && failedBefore
                && nanoClock.getAsLong() - lastFailureAt < TimeUnit.NANOSECONDS.convert(RECENT)) {
            return Result.failed("the last TokenReview/SubjectAccessReview request failed: " + lastError);
        }
        return Result.OK;
    }

    @Override
    public void writeTo(Appendable out) throws IOException {
        out.append("# HELP ").append(METRIC).append(" [ALPHA] TokenReview and SubjectAccessReview requests by result: "
                + "ok, error, or short_circuited (not sent while reviews fail).\n");
        out.append("# TYPE ").append(METRIC).append(" counter\n");
        Map<String, LongAdder> sorted = new TreeMap<>(counts);
        for (Map.Entry<String, LongAdder> e : sorted.entrySet()) {
            int sep = e.getKey().indexOf('\u0000');
            out.append(METRIC).append("{result=\"").append(e.getKey().substring(sep + 1)).append("\",review=\"")
                    .append(e.getKey(), 0, sep).append("\"} ").append(Long.toString(e.getValue().sum())).append('\n');
        }
    }
}
