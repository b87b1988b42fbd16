package io.kma.kube.client.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.metrics.MetricsSource;

/** Self-metrics of the kube-apiserver client: requests by verb and code, cache sizes. */
@Component(service = MetricsSource.class)
public final class KubeClientMetrics implements MetricsSource {

    static final String REQUESTS = "kube_metrics_appliance_apiserver_requests_total";
    static final String CACHE = "kube_metrics_appliance_cluster_cache_objects";

    @Reference
    ApiConnection connection;

    @Reference
    ClusterCaches caches;

    @Override
    public void writeTo(Appendable out) throws IOException {
        out.append("# HELP ").append(REQUESTS)
                .append(" [ALPHA] Requests to kube-apiserver by Kubernetes verb and HTTP code (<error> when none came back).\n");
        out.append("# TYPE ").append(REQUESTS).append(" counter\n");
        connection.counter().writeTo(out, REQUESTS);
        out.append("# HELP ").append(CACHE).append(" [ALPHA] Objects in the kube-apiserver caches.\n");
        out.append("# TYPE ").append(CACHE).append(" gauge\n");
        out.append(CACHE).append("{resource=\"nodes\"} ").append(Integer.toString(caches.nodeCount())).append('\n');
        out.append(CACHE).append("{resource=\"pods\"} ").append(Integer.toString(caches.podCount())).append('\n');
    }
}
