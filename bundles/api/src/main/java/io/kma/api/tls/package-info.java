/**
 * PEM key material, trust and self-signed serving certificates ({@link io.kma.api.tls.TlsMaterials}).
 */
@Export
@Version("1.0.0")
package io.kma.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
