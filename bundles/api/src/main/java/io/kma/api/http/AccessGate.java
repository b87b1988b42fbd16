package io.kma.api.http;

import org.osgi.annotation.versioning.ConsumerType;

import io.undertow.server.HttpServerExchange;

/**
 * Authentication and authorization for the paths the http-server serves itself but must not serve to
 * anyone: the health sub-paths {@code /livez/<check>}, {@code /readyz/<check>}, {@code /healthz/<check>}
 * (their body names the failure). As in k8s.io/apiserver only the exact {@code /livez}, {@code /readyz},
 * {@code /healthz} are anonymous. Registered by the bundle that authenticates API requests; without one,
 * those paths answer 401.
 */
@ConsumerType
public interface AccessGate {

    /**
     * Authenticates and authorizes the request as a non-resource request for its path. Called on a worker
     * thread; may block for a TokenReview or SubjectAccessReview (bounded by their timeouts).
     *
     * @return true to admit it; false when the gate has answered the request itself (401, 403 or 500)
     */
    boolean admit(HttpServerExchange exchange) throws Exception;
}
