package io.kma.kube.client.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's {@code metadata-informer-sync}: fails while an informer has not started, which here means
 * it has had no usable kubeconfig yet.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.ENDPOINTS + "=livez", HealthCheck.ENDPOINTS + "=readyz",
        HealthCheck.ENDPOINTS + "=healthz", HealthCheck.ORDER + ":Integer=60"})
public final class MetadataInformerSyncCheck implements HealthCheck {

    @Reference
    ClusterCaches caches;

    @Reference
    ApiConnection connection;

    @Override
    public String name() {
        return "metadata-informer-sync";
    }

    @Override
    public Result check() {
        List<String> notStarted = new ArrayList<>();
        for (Informer<?> i : caches.informers()) {
            if (!i.started()) {
                notStarted.add(i.spec().typeName());
            }
        }
        if (notStarted.isEmpty()) {
            return Result.OK;
        }
        // Go prints a slice as [a b].
        String msg = notStarted.size() + " informers not started yet: [" + String.join(" ", notStarted) + "]";
        String cause = connection.error();
        return Result.failed(cause == null ? msg : msg + ": " + cause);
    }
}
