package io.kma.address.hosts.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.address.hosts}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "Kubelet address from a static map",
        description = "Dials listed nodes at a configured address, others by preferred address type")
@interface HostsConfiguration {

    @AttributeDefinition(description = "Entries name=address (node name, then IP or DNS name to dial)")
    String[] hosts() default {};

    @AttributeDefinition(description = "Kubelet port used when the node status publishes none (or useNodeStatusPort is off)")
    int port() default 10250;

    @AttributeDefinition(description = "Use status.daemonEndpoints.kubeletEndpoint.Port when the node publishes one")
    boolean useNodeStatusPort() default true;
}
