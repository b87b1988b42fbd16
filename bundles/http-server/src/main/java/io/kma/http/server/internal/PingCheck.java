package io.kma.http.server.internal;

import org.osgi.service.component.annotations.Component;

import io.kma.api.http.HealthCheck;

/** Upstream's {@code ping}: passes whenever the server answers at all. */
@Component(property = {HealthCheck.ENDPOINTS + "=livez", HealthCheck.ENDPOINTS + "=readyz",
        HealthCheck.ENDPOINTS + "=healthz", HealthCheck.ORDER + ":Integer=0"})
public final class PingCheck implements HealthCheck {

    @Override
    public String name() {
        return "ping";
    }

    @Override
    public Result check() {
        return Result.OK;
    }
}
