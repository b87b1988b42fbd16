package io.kma.store.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.kma.api.http.HealthCheck;
import io.kma.api.store.MetricsStore;

/**
 * Upstream's {@code metric-storage-ready} readiness check. It does not need the store to be active
 * to exist: without a store there is nothing to serve, which is exactly what the check reports.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.ENDPOINTS + "=readyz",
    HealthCheck.ORDER + ":Integer=40"
})
public final class StorageReadyCheck implements HealthCheck {

    static final String NAME = "metric-storage-ready";
    static final String NOT_READY = "no metrics to serve";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MetricsStore store;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() {
        MetricsStore s = store;
        return s != null && s.ready() ? Result.OK : Result.failed(NOT_READY);
    }
}
