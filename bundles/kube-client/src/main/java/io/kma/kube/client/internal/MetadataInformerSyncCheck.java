package io.kma.kube.client.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.http.HealthCheck;

/**
 * Upstream's {@code metadata-informer-sync}: fails while the informers have not been started. It is
 * part of /livez, so it must not fail for a broken or missing kubeconfig: a restart would not fix
 * that. Informers waiting for a usable kubeconfig count as started; {@code metric-informer-sync}
 * (readyz) reports why they have not synced.
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
        if (connection.error() != null) {
            return Result.OK;
        }
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
        return Result.failed(notStarted.size() + " informers not started yet: [" + String.join(" ", notStarted) + "]");
    }
}
