package io.kma.http.server.internal;

import org.osgi.service.component.annotations.Component;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's {@code poststarthook/storage-object-count-tracker-hook}, listed because tools and the e2e
 * test expect upstream's exact check names. There is no object storage here, so it passes.
 */
@Component(property = {HealthCheck.ENDPOINTS + "=livez", HealthCheck.ENDPOINTS + "=readyz",
        HealthCheck.ENDPOINTS + "=healthz", HealthCheck.ORDER + ":Integer=30"})
public final class StorageObjectCountTrackerHook implements HealthCheck {

    @Override
    public String name() {
        return "poststarthook/storage-object-count-tracker-hook";
    }

    @Override
    public Result check() {
        return Result.OK;
    }
}
