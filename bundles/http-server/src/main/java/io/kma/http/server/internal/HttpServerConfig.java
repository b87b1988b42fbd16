package io.kma.http.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@code io.kma.http.server}, written by the config bundle from config.yaml {@code server.*}. */
@ObjectClassDefinition(name = "kube-metrics-appliance HTTPS listener")
public @interface HttpServerConfig {

    @AttributeDefinition(description = "IP address to listen on; 0.0.0.0 or :: for all")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(description = "HTTPS port")
    int securePort() default 4443;

    @AttributeDefinition(description = "Serving certificate chain (PEM); with tlsPrivateKeyFile, or neither for a self-signed pair")
    String tlsCertFile() default "";

    @AttributeDefinition(description = "Private key of tlsCertFile (PEM)")
    String tlsPrivateKeyFile() default "";

    @AttributeDefinition(description = "Where the self-signed apiserver.crt/apiserver.key live when no files are given")
    String certDir() default "/var/lib/kube-metrics-appliance/certs";

    @AttributeDefinition(description = "VersionTLS12 or VersionTLS13")
    String tlsMinVersion() default "VersionTLS12";

    @AttributeDefinition(description = "Requests served at once, health endpoints excepted; more get 429 (--max-requests-inflight)")
    int maxRequestsInflight() default 400;

    @AttributeDefinition(description = "Longest time a request may take before it is answered 504, in milliseconds (--request-timeout)")
    long requestTimeoutMillis() default 60_000L;

    @AttributeDefinition(description = "Open connections in all; more are closed at once")
    int maxConnections() default 2000;

    @AttributeDefinition(description = "Open connections from one client IP address; more are closed at once")
    int maxConnectionsPerClient() default 200;
}
