/**
 * What the appliance knows of the cluster from kube-apiserver: nodes and the metadata of Running pods ({@link io.kma.api.cluster.ClusterView}).
 */
@Export
@Version("1.1.0")
package io.kma.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
