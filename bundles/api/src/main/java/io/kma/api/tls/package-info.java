/**
 * PEM key material, trust, self-signed serving certificates and certificate requests ({@link io.kma.api.tls.TlsMaterials}).
 */
@Export
@Version("1.1.0")
package io.kma.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
