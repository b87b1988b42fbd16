package io.kma.http.server.internal;

import org.osgi.service.component.annotations.Component;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's readyz {@code shutdown} check: fails once the listener starts stopping, so a prober
 * that still reaches it sees the appliance leaving before the port closes. A component of its own,
 * referenced by the listener component, which flips it, and by {@link ShutdownHandOver}, which flips it at
 * SIGTERM.
 */
@Component(service = {HealthCheck.class, ShutdownCheck.class}, property = {
        HealthCheck.ENDPOINTS + "=readyz", HealthCheck.ORDER + ":Integer=1000"})
public final class ShutdownCheck implements HealthCheck {

    private volatile boolean stopping;

    void markStopping() {
        stopping = true;
    }

    void markServing() {
        stopping = false;
    }

    @Override
    public String name() {
        return "shutdown";
    }

    @Override
    public Result check() {
        return stopping ? Result.failed("process is shutting down") : Result.OK;
    }
}
