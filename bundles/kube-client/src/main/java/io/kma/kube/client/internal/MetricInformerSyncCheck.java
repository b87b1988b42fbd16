package io.kma.kube.client.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.http.HealthCheck;

/** Upstream's {@code metric-informer-sync}: ready once both caches completed their first list. */
@Component(service = HealthCheck.class, property = {HealthCheck.ENDPOINTS + "=readyz",
        HealthCheck.ORDER + ":Integer=50"})
public final class MetricInformerSyncCheck implements HealthCheck {

    @Reference
    ClusterCaches caches;

    @Reference
    ApiConnection connection;

    @Override
    public String name() {
        return "metric-informer-sync";
    }

    @Override
    public Result check() {
        if (!caches.nodesSynced()) {
            return Result.failed(withCause("cache for node informer has not synced", caches.informers().get(0)));
        }
        if (!caches.podsSynced()) {
            List<Informer<?>> informers = caches.informers();
            return informers.size() < 2 ? Result.failed("no pod informer (doctor mode)")
                    : Result.failed(withCause("cache for pod informer has not synced", informers.get(1)));
        }
        return Result.OK;
    }

    private String withCause(String message, Informer<?> informer) {
        String cause = connection.error();
        if (cause == null) {
            cause = informer.lastError();
        }
        return cause == null ? message : message + ": " + cause;
    }
}
