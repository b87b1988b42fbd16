package io.kma.metrics.api.internal;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.metrics.MetricsSource;
import io.kma.shared.metrics.Histogram;

/**
 * The /metrics body: every bundle's MetricsSource, then this bundle's freshness histogram
 * (upstream pkg/api/monitoring.go).
 */
final class SelfMetrics {

    static final String FRESHNESS = "metrics_server_api_metric_freshness_seconds";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(SelfMetrics.class);

    private final Histogram freshness;

    SelfMetrics(Histogram freshness) {
        this.freshness = freshness;
    }

    static Histogram newFreshnessHistogram() {
        return new Histogram(Histogram.exponentialBuckets(1, 1.364, 20));
    }

    void write(Appendable out, List<MetricsSource> sources) throws IOException {
        for (MetricsSource source : sources) {
            // Each source goes through a buffer first so a failing one leaves no half-written family.
            StringBuilder b = new StringBuilder(1024);
            try {
                source.writeTo(b);
            } catch (IOException | RuntimeException e) {
                LOG.warn("metrics source {} failed and is left out of /metrics: {}", source.getClass().getName(), e.toString());
                continue;
            }
            out.append(b);
        }
        out.append("# HELP ").append(FRESHNESS).append(" [ALPHA] Freshness of metrics exported\n");
        out.append("# TYPE ").append(FRESHNESS).append(" histogram\n");
        freshness.writeSamples(out, FRESHNESS, "");
    }
}
