/**
 * Contracts of the HTTPS listener: the handler whiteboard properties and the health checks composed into /livez, /readyz and /healthz.
 */
@Export
@Version("1.1.0")
package io.kma.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
