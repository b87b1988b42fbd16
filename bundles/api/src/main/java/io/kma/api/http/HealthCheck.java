package io.kma.api.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One named check composed into the health endpoints, with upstream's names and wire format
 * ({@code [+]name ok}). Registered as a service with {@link #ENDPOINTS} and {@link #ORDER}.
 */
@ConsumerType
public interface HealthCheck {

    /** Service property: endpoints that include the check, any of {@code livez}, {@code readyz}, {@code healthz}. */
    String ENDPOINTS = "kma.health.endpoints";

    /** Service property (Integer): position in the verbose listing, lower first. */
    String ORDER = "kma.health.order";

    /** The check name as printed, e.g. {@code metric-storage-ready}. */
    String name();

    /** Runs the check; must be fast and must not block on the network. */
    Result check();

    /**
     * Outcome of a check.
     *
     * @param ok     passed
     * @param reason why it failed (shown on {@code /<endpoint>/<name>} and logged), null when ok
     */
    record Result(boolean ok, String reason) {

        public static final Result OK = new Result(true, null);

        public static Result failed(String reason) {
            return new Result(false, reason);
        }
    }
}
