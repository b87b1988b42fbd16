package io.kma.api.metrics;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's self-metrics. Every registered source is written, one after another, into the
 * {@code /metrics} response (Prometheus text format 0.0.4, with HELP and TYPE lines).
 */
@ConsumerType
public interface MetricsSource {

    void writeTo(Appendable out) throws IOException;
}
