package io.kma.api.kubelet;

import java.util.List;

import io.kma.api.cluster.NodeInfo;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses where to dial a node's kubelet. Implementations are registered with the service property
 * {@link #STRATEGY} and selected by configuration ({@code kubelet.addressResolver}); they can be
 * installed, updated or stopped while the appliance runs.
 */
@ConsumerType
public interface AddressResolver {

    /** Service property naming the strategy, e.g. {@code preferred} or {@code hosts}. */
    String STRATEGY = "kma.strategy";

    /**
     * Candidate endpoints for the node's kubelet, best first. The scraper dials the first one and
     * falls back to the next ones when a connection cannot be established.
     *
     * @return never null; empty when no address of the node qualifies
     */
    List<KubeletEndpoint> resolve(NodeInfo node);
}
