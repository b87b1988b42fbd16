package io.kma.registration.internal;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * PID {@code io.kma.registration} (config.yaml {@code registration.*}) merged with {@code io.kma.http.server}, whose
 * {@code securePort} is the port this host's address is registered with.
 */
/* Not @Designate-d: the component reads two PIDs, which metatype cannot describe as one. */
@ObjectClassDefinition(name = "kube-metrics-appliance self-registration")
public @interface RegistrationConfig {

    boolean enabled() default true;

    /** Empty: the local address of the route to kube-apiserver. */
    String advertiseAddress() default "";

    /** NAMESPACE/NAME of the Service the APIService names. */
    String service() default "kube-system/metrics-server";

    String leaseNamespace() default "kube-system";

    int leaseDurationSeconds() default 30;

    int renewIntervalSeconds() default 10;

    /** Tests only: accept a loopback advertise address (the cluster simulator's appliances live on 127.0.0.0/8). */
    boolean allowLoopback() default false;

    /** From {@code io.kma.http.server}. */
    int securePort() default 4443;

    /** From {@code io.kma.http.server} ({@code server.shutdownDelay}): serving on after the address left the Endpoints. */
    long shutdownDelayMillis() default 10_000L;
}
