package io.kma.kubelet.auth.x509.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.kubelet.auth.x509}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "Kubelet client certificate",
        description = "Authenticates to kubelets with a TLS client certificate given as files (kubelet.auth: x509)")
@interface X509Configuration {

    @AttributeDefinition(description = "PEM certificate chain presented to kubelets")
    String clientCertificate() default "";

    @AttributeDefinition(description = "PEM private key of the client certificate")
    String clientKey() default "";
}
