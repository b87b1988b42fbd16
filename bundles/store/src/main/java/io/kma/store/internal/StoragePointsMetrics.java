package io.kma.store.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;

/** Upstream's {@code metrics_server_storage_points} gauge: servable points per type. */
@Component(service = MetricsSource.class)
public final class StoragePointsMetrics implements MetricsSource {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MetricsStore store;

    @Override
    public void writeTo(Appendable out) throws IOException {
        MetricsStore s = store;
        int nodes = s == null ? 0 : s.nodeSeries();
        int containers = s == null ? 0 : s.containerSeries();
        out.append("# HELP metrics_server_storage_points [ALPHA] Number of metrics points stored.\n")
                .append("# TYPE metrics_server_storage_points gauge\n")
                .append("metrics_server_storage_points{type=\"container\"} ").append(Integer.toString(containers))
                .append('\n')
                .append("metrics_server_storage_points{type=\"node\"} ").append(Integer.toString(nodes))
                .append('\n');
    }
}
