package io.kma.metrics.api.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID io.kma.metrics.api, written by the config bundle from config.yaml (DEVELOPING.md). */
@ObjectClassDefinition(name = "kube-metrics-appliance Metrics API", description = "metrics.k8s.io endpoint, authentication and authorization")
@interface MetricsApiConfig {

    @AttributeDefinition(description = "Label selector of the nodes served (same as the scraper's)")
    String nodeSelector() default "";

    @AttributeDefinition(description = "Metric resolution, milliseconds")
    long resolutionMillis() default 15000;

    @AttributeDefinition(description = "Front-proxy CA file; empty: request-header settings come from the ConfigMap")
    String requestheaderClientCAFile() default "/etc/kubernetes/pki/front-proxy-ca.crt";

    @AttributeDefinition(description = "Allowed front-proxy certificate CNs; empty: any CN signed by the CA")
    String[] requestheaderAllowedNames() default {"front-proxy-client"};

    String[] requestheaderUsernameHeaders() default {"X-Remote-User"};

    String[] requestheaderGroupHeaders() default {"X-Remote-Group"};

    String[] requestheaderExtraHeadersPrefix() default {"X-Remote-Extra-"};

    @AttributeDefinition(description = "TokenReview cache TTL (positive and negative), milliseconds")
    long tokenCacheTTLMillis() default 10000;

    @AttributeDefinition(description = "Webhook (SubjectAccessReview) or AlwaysAllow (labs only)")
    String authorizationMode() default "Webhook";

    long cacheAuthorizedTTLMillis() default 10000;

    long cacheUnauthorizedTTLMillis() default 10000;

    @AttributeDefinition(description = "Paths authorized without a SubjectAccessReview; a trailing * matches a prefix")
    String[] alwaysAllowPaths() default {"/healthz", "/readyz", "/livez"};
}
