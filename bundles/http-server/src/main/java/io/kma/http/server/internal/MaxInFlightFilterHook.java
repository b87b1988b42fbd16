package io.kma.http.server.internal;

import java.util.Map;
import java.util.function.Supplier;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's {@code poststarthook/max-in-flight-filter}, under upstream's name because tools and the e2e
 * test expect it: passes once the listener's max-in-flight filter ({@link RequestLimits}) is installed.
 */
final class MaxInFlightFilterHook implements HealthCheck {

    static final Map<String, Object> PROPERTIES = Map.of(HealthCheck.ENDPOINTS, new String[] {"livez", "readyz", "healthz"},
            HealthCheck.ORDER, 20);

    private final Supplier<RequestLimits> limits;

    MaxInFlightFilterHook(Supplier<RequestLimits> limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return "poststarthook/max-in-flight-filter";
    }

    @Override
    public Result check() {
        return limits.get() != null ? Result.OK : Result.failed("the max-in-flight filter is not installed: no listener has started");
    }
}
