package io.kma.http.server.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@link io.kma.api.runtime.Readiness} reports: the listener is bound, {@value #API_PREFIX} has a handler and the
 * {@code /livez} checks pass. Read in process, as a request to {@code /livez} would see it, without one.
 */
final class ServingReadiness {

    /** The metrics.k8s.io handler's prefix (the metrics-api bundle's). */
    static final String API_PREFIX = "/apis";

    private final Supplier<InetSocketAddress> listener;
    private final HandlerRoutes routes;
    private final HealthEndpoints health;

    /** @param listener the bound address, null while no listener runs */
    ServingReadiness(Supplier<InetSocketAddress> listener, HandlerRoutes routes, HealthEndpoints health) {
        this.listener = listener;
        this.routes = routes;
        this.health = health;
    }

    Optional<String> waitingFor() {
        if (listener.get() == null) {
            return Optional.of("waiting for the HTTPS listener");
        }
        if (!routes.serves(API_PREFIX)) {
            return Optional.of("waiting for the metrics.k8s.io API handler");
        }
        List<String> failed = health.failing("livez");
        if (!failed.isEmpty()) {
            return Optional.of("waiting for /livez (failed: " + String.join(", ", failed) + ")");
        }
        return Optional.empty();
    }
}
