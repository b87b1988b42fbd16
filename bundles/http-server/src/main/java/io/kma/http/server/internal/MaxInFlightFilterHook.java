package io.kma.http.server.internal;

import org.osgi.service.component.annotations.Component;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's {@code poststarthook/max-in-flight-filter}, listed because tools and the e2e test expect
 * upstream's exact check names. It passes: the filter it stands for is part of the listener.
 */
@Component(property = {HealthCheck.ENDPOINTS + "=livez", HealthCheck.ENDPOINTS + "=readyz",
        HealthCheck.ENDPOINTS + "=healthz", HealthCheck.ORDER + ":Integer=20"})
public final class MaxInFlightFilterHook implements HealthCheck {

    @Override
    public String name() {
        return "poststarthook/max-in-flight-filter";
    }

    @Override
    public Result check() {
        return Result.OK;
    }
}
