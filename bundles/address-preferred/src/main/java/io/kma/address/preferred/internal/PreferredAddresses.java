package io.kma.address.preferred.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletEndpoint;

/**
 * Upstream's address choice, extended to a candidate list: for each preferred type in order, the
 * node's addresses of that type in published order. The first candidate is exactly the address
 * upstream dials; the others are fallbacks. Immutable.
 *
 * @param types             preferred types, case-sensitive, in priority order, without duplicates
 * @param port              the configured kubelet port
 * @param useNodeStatusPort prefer the port the node publishes, when it publishes one
 */
record PreferredAddresses(List<String> types, int port, boolean useNodeStatusPort) {

    PreferredAddresses {
        types = List.copyOf(types);
    }

    /** Blank entries are dropped and repeated types kept once; anything else is taken as written. */
    static PreferredAddresses of(String[] types, int port, boolean useNodeStatusPort) {
        Set<String> cleaned = new LinkedHashSet<>();
        if (types != null) {
            for (String t : types) {
                if (t != null && !t.isBlank()) {
                    cleaned.add(t.trim());
                }
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("kubelet.port " + port + " is not a TCP port (1-65535)");
        }
        return new PreferredAddresses(new ArrayList<>(cleaned), port, useNodeStatusPort);
    }

    /** The port to dial on this node. */
    int portFor(NodeInfo node) {
        return useNodeStatusPort && node.kubeletPort() > 0 ? node.kubeletPort() : port;
    }

    List<KubeletEndpoint> resolve(NodeInfo node) {
        List<NodeAddress> addresses = node.addresses();
        if (addresses == null || addresses.isEmpty()) {
            return List.of();
        }
        int p = portFor(node);
        List<KubeletEndpoint> out = new ArrayList<>(2);
        Set<String> seen = new LinkedHashSet<>();
        for (String type : types) {
            for (NodeAddress a : addresses) {
                if (a == null || !type.equals(a.type()) || a.address() == null || a.address().isBlank()) {
                    continue;
                }
                String host = unbracket(a.address().trim());
                if (seen.add(host)) {
                    out.add(new KubeletEndpoint(host, p, type));
                }
            }
        }
        return List.copyOf(out);
    }

    /** KubeletEndpoint wants IPv6 literals without brackets. */
    private static String unbracket(String host) {
        return host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1)
                : host;
    }

    @Override
    public String toString() {
        return "types " + types + ", port " + port + (useNodeStatusPort ? " (or the node status port)" : "");
    }
}
