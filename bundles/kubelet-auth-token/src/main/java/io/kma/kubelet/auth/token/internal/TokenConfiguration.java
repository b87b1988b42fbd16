package io.kma.kubelet.auth.token.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.kubelet.auth.token}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "Kubelet bearer token", description = "Authenticates to kubelets with a token read from a file")
@interface TokenConfiguration {

    @AttributeDefinition(description = "File holding the bearer token; re-read when it changes")
    String tokenFile() default "";
}
