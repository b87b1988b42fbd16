package io.kma.api.kubelet;

/**
 * Where to dial a kubelet.
 *
 * @param host        IP address or DNS name to dial (an IPv6 literal without brackets)
 * @param port        TCP port
 * @param addressType the node address type this came from (e.g. InternalIP), or "Static" for a configured one
 */
public record KubeletEndpoint(String host, int port, String addressType) {

    /** host:port with IPv6 literals bracketed, as Go's net.JoinHostPort. */
    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
