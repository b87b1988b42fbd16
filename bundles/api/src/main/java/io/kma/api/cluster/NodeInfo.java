package io.kma.api.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Node object the appliance uses.
 *
 * @param name              node name
 * @param labels            node labels (never null)
 * @param annotations       node annotations (never null)
 * @param addresses         {@code status.addresses} in the order the node publishes them
 * @param kubeletPort       {@code status.daemonEndpoints.kubeletEndpoint.Port}, 0 when not published
 * @param ready             whether the node's Ready condition is True
 * @param creationTimestamp {@code metadata.creationTimestamp}, may be null
 */
public record NodeInfo(String name, Map<String, String> labels, Map<String, String> annotations,
        List<NodeAddress> addresses, int kubeletPort, boolean ready, Instant creationTimestamp) {

    /** Node annotation that overrides the kubelet path scraped (as upstream, for kwok-style nodes). */
    public static final String RESOURCE_METRICS_PATH_ANNOTATION = "metrics.k8s.io/resource-metrics-path";
}
