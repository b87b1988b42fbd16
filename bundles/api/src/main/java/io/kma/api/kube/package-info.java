/**
 * Plain access to Kubernetes objects in kube-apiserver with the appliance's own identity, for bundles that write
 * objects of their own (self-registration: Endpoints, EndpointSlices, Leases).
 */
@Export
@Version("2.0.0")
package io.kma.api.kube;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
