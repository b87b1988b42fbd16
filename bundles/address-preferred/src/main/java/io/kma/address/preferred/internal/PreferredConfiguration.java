package io.kma.address.preferred.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.address.preferred}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "Kubelet address by preferred type",
        description = "Dials a node's kubelet at its first address of the most preferred type")
@interface PreferredConfiguration {

    @AttributeDefinition(description = "Node address types in priority order (case-sensitive, as upstream)")
    String[] preferredAddressTypes() default {"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"};

    @AttributeDefinition(description = "Kubelet port used when the node status publishes none (or useNodeStatusPort is off)")
    int port() default 10250;

    @AttributeDefinition(description = "Use status.daemonEndpoints.kubeletEndpoint.Port when the node publishes one")
    boolean useNodeStatusPort() default true;
}
