/**
 * Scrape results in, usage figures out: the {@link io.kma.api.store.MetricsStore} and its value types.
 */
@Export
@Version("1.2.0")
package io.kma.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
