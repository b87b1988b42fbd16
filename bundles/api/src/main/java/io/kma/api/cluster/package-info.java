/**
 * What the appliance knows of the cluster from kube-apiserver: nodes and the metadata of Running pods ({@link io.kma.api.cluster.ClusterView}).
 *
 * <p>2.0: the label selector parser left the API; bundles embed it privately ({@code io.kma.shared.labels}).
 * 2.1: {@link io.kma.api.cluster.ClusterView#podsOnNodeVersion}.
 * 2.2: {@link io.kma.api.cluster.ClusterView#releasePodList}.
 */
@Export
@Version("2.2.0")
package io.kma.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
