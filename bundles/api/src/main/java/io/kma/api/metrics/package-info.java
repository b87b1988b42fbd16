/**
 * Self-metrics in the Prometheus text format, contributed by each bundle and served at /metrics.
 *
 * <p>2.0: the Histogram implementation left the API; bundles embed it privately ({@code io.kma.shared.metrics}).
 */
@Export
@Version("2.0.0")
package io.kma.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
