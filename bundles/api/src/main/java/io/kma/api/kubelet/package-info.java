/**
 * How a kubelet is reached and how the appliance authenticates to it: the swappable {@link io.kma.api.kubelet.AddressResolver} and {@link io.kma.api.kubelet.KubeletCredentials} strategies.
 */
@Export
@Version("1.0.0")
package io.kma.api.kubelet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
