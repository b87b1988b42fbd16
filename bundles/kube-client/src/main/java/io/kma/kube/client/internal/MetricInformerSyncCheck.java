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
            if (informers.size() < 2) {
                return Result.failed("no pod informer (doctor mode)");
            }
            Informer<?> pods = informers.get(1);
            return Result.failed(pods.holding()
                    ? "cache for pod informer has not synced: its first list waits for the scraper's first scrapes (at most "
                            + ClusterCaches.POD_LIST_HOLD_MILLIS / 1000 + " s)"
                    : withCause("cache for pod informer has not synced", pods));
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
