package io.kma.kube.client.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.kube.client}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "kube-metrics-appliance kube-apiserver client")
public @interface KubeClientConfig {

    @AttributeDefinition(description = "Path of the kubeconfig used to reach kube-apiserver")
    String kubeconfig() default "/etc/kube-metrics-appliance/identity/kubeconfig";
}
