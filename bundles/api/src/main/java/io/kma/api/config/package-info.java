/**
 * How configuration reaches components: the configuration PIDs fed by the config bundle and the applied-configuration status.
 */
@Export
@Version("1.1.0")
package io.kma.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
