/**
 * Self-metrics in the Prometheus text format, contributed by each bundle and served at /metrics.
 */
@Export
@Version("1.0.0")
package io.kma.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
