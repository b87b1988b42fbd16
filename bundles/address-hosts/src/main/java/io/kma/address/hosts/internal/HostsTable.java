package io.kma.address.hosts.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletEndpoint;

/**
 * The static node name → kubelet address map, with the port rule. Immutable.
 *
 * @param addresses         node name → host (IPv6 literals without brackets)
 * @param port              the configured kubelet port
 * @param useNodeStatusPort prefer the port the node publishes, when it publishes one
 */
record HostsTable(Map<String, String> addresses, int port, boolean useNodeStatusPort) {

    /** Address type of a configured address, as {@link KubeletEndpoint} documents it. */
    static final String STATIC = "Static";

    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[\\w.-]+)?");
    /** DNS names and IPv4 addresses; underscores are tolerated because /etc/hosts-style names use them. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\\.?");

    HostsTable {
        addresses = Map.copyOf(addresses);
    }

    /**
     * Parses {@code name=address} entries.
     *
     * @throws IllegalArgumentException naming the first malformed entry and what is wrong with it
     */
    static HostsTable parse(String[] entries, int port, boolean useNodeStatusPort) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("kubelet.port " + port + " is not a TCP port (1-65535)");
        }
        Map<String, String> map = new LinkedHashMap<>();
        if (entries != null) {
            for (String entry : entries) {
                if (entry == null || entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw malformed(entry, "expected name=address");
                }
                String name = entry.substring(0, eq).trim();
                String address = entry.substring(eq + 1).trim();
                if (name.isEmpty()) {
                    throw malformed(entry, "the node name is empty");
                }
                if (address.isEmpty()) {
                    throw malformed(entry, "the address is empty");
                }
                String host = validHost(entry, address);
                String previous = map.putIfAbsent(name, host);
                if (previous != null) {
                    throw malformed(entry, "node " + name + " is already mapped to " + previous);
                }
            }
        }
        return new HostsTable(map, port, useNodeStatusPort);
    }

    private static String validHost(String entry, String address) {
        String host = address;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.indexOf(':') >= 0) {
            if (host.indexOf(':') == host.lastIndexOf(':') || !IPV6.matcher(host).matches()) {
                throw malformed(entry, "'" + address + "' is not an IP address or host name"
                        + " (a port does not belong here: it is kubelet.port)");
            }
            return host;
        }
        if (!HOST.matcher(host).matches()) {
            throw malformed(entry, "'" + address + "' is not an IP address or host name");
        }
        return host;
    }

    private static IllegalArgumentException malformed(String entry, String why) {
        return new IllegalArgumentException("kubelet.hosts entry '" + entry + "' is malformed: " + why);
    }

    /** The node's configured endpoint, or null when the node is not listed. */
    KubeletEndpoint endpoint(NodeInfo node) {
        String host = addresses.get(node.name());
        if (host == null) {
            return null;
        }
        return new KubeletEndpoint(host, useNodeStatusPort && node.kubeletPort() > 0 ? node.kubeletPort() : port, STATIC);
    }

    /** The configured endpoint first, then the fallbacks that dial somewhere else. */
    static List<KubeletEndpoint> withFallbacks(KubeletEndpoint first, List<KubeletEndpoint> fallbacks) {
        List<KubeletEndpoint> out = new ArrayList<>(1 + fallbacks.size());
        out.add(first);
        for (KubeletEndpoint e : fallbacks) {
            if (!e.authority().equals(first.authority())) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return addresses.size() + " static node addresses, port " + port
                + (useNodeStatusPort ? " (or the node status port)" : "");
    }
}
