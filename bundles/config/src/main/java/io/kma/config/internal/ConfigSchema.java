package io.kma.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every key of the documented config.yaml (config/config.yaml in the source tree) with its default. */
final class ConfigSchema {

    static final Set<String> SECTIONS = Set.of("server", "kubelet", "authentication", "authorization", "registration");

    static final List<String> ADDRESS_TYPES = List.of("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP");

    /**
     * kube-apiserver's aggregator picks an endpoint per request from its Endpoints informer, which a watch updates
     * within about a second of the write; 10 s also covers a loaded kube-apiserver and requests already routed here
     * (README, "Graceful hand-over").
     */
    static final long DEFAULT_SHUTDOWN_DELAY_MILLIS = 10_000L;

    static final Map<String, Key> KEYS = keys(
            new Key("kubeconfig", KeyType.STRING, "/etc/kube-metrics-appliance/identity/kubeconfig"),
            new Key("metricResolution", KeyType.DURATION, 15_000L),
            new Key("nodeSelector", KeyType.STRING, ""),

            new Key("server.bindAddress", KeyType.IP_ADDRESS, "0.0.0.0"),
            new Key("server.securePort", KeyType.PORT, 4443),
            new Key("server.tlsCertFile", KeyType.STRING, ""),
            new Key("server.tlsPrivateKeyFile", KeyType.STRING, ""),
            new Key("server.certDir", KeyType.STRING, "/var/lib/kube-metrics-appliance/certs"),
            new Key("server.tlsMinVersion", KeyType.ENUM, "VersionTLS12", List.of("VersionTLS12", "VersionTLS13")),
            // Overload and hostile-caller bounds (issue 10).
            new Key("server.maxRequestsInflight", KeyType.POSITIVE_INT, 400),
            new Key("server.requestTimeout", KeyType.DURATION, 60_000L),
            new Key("server.maxConnections", KeyType.POSITIVE_INT, 2000),
            new Key("server.maxConnectionsPerClient", KeyType.POSITIVE_INT, 200),
            // Graceful hand-over (issue 12): readyz fails and the address leaves the Endpoints, then this long serving.
            new Key("server.shutdownDelay", KeyType.DURATION, DEFAULT_SHUTDOWN_DELAY_MILLIS),

            new Key("kubelet.port", KeyType.PORT, 10250),
            new Key("kubelet.useNodeStatusPort", KeyType.BOOLEAN, true),
            new Key("kubelet.preferredAddressTypes", KeyType.STRING_LIST, ADDRESS_TYPES),
            new Key("kubelet.requestTimeout", KeyType.DURATION, 10_000L),
            new Key("kubelet.maxConcurrentScrapes", KeyType.POSITIVE_INT, 256),
            new Key("kubelet.maxResponseBytes", KeyType.SIZE, 16L << 20),
            new Key("kubelet.certificateAuthority", KeyType.STRING, "/etc/kubernetes/pki/ca.crt"),
            new Key("kubelet.insecureSkipTLSVerify", KeyType.BOOLEAN, false),
            new Key("kubelet.tlsVerification", KeyType.ENUM, "caOrPin", List.of("caOrPin", "ca")),
            new Key("kubelet.pinDirectory", KeyType.STRING, "/var/lib/kube-metrics-appliance/kubelet-pins"),
            new Key("kubelet.addressResolver", KeyType.ENUM, "preferred", List.of("preferred", "hosts")),
            new Key("kubelet.hosts", KeyType.STRING_MAP, Map.of()),
            new Key("kubelet.auth", KeyType.ENUM, "kubeconfig", List.of("kubeconfig", "x509", "token")),
            new Key("kubelet.clientCertificate", KeyType.STRING, ""),
            new Key("kubelet.clientKey", KeyType.STRING, ""),
            new Key("kubelet.tokenFile", KeyType.STRING, ""),

            new Key("authentication.requestheaderClientCAFile", KeyType.STRING, "/etc/kubernetes/pki/front-proxy-ca.crt"),
            new Key("authentication.requestheaderAllowedNames", KeyType.STRING_LIST, List.of("front-proxy-client")),
            new Key("authentication.requestheaderUsernameHeaders", KeyType.STRING_LIST, List.of("X-Remote-User")),
            new Key("authentication.requestheaderGroupHeaders", KeyType.STRING_LIST, List.of("X-Remote-Group")),
            new Key("authentication.requestheaderExtraHeadersPrefix", KeyType.STRING_LIST, List.of("X-Remote-Extra-")),
            new Key("authentication.tokenCacheTTL", KeyType.DURATION, 10_000L),

            new Key("authorization.mode", KeyType.ENUM, "Webhook", List.of("Webhook", "AlwaysAllow")),
            new Key("authorization.cacheAuthorizedTTL", KeyType.DURATION, 10_000L),
            new Key("authorization.cacheUnauthorizedTTL", KeyType.DURATION, 10_000L),
            new Key("authorization.alwaysAllowPaths", KeyType.STRING_LIST, List.of("/healthz", "/readyz", "/livez")),

            // Self-registration in the Service's Endpoints/EndpointSlice with a Lease per host (issue 12).
            new Key("registration.enabled", KeyType.BOOLEAN, true),
            new Key("registration.advertiseAddress", KeyType.STRING, ""),
            new Key("registration.service", KeyType.STRING, "kube-system/metrics-server"),
            new Key("registration.leaseNamespace", KeyType.STRING, "kube-system"),
            new Key("registration.leaseDurationSeconds", KeyType.POSITIVE_INT, 30),
            new Key("registration.renewIntervalSeconds", KeyType.POSITIVE_INT, 10),
            new Key("registration.allowLoopback", KeyType.BOOLEAN, false));

    /** Upstream requires 10s; this appliance allows faster scraping for small clusters and labs. */
    static final long MIN_RESOLUTION_MILLIS = 5_000L;

    private ConfigSchema() {
    }

    private static Map<String, Key> keys(Key... keys) {
        Map<String, Key> map = new LinkedHashMap<>();
        for (Key key : keys) {
            map.put(key.path(), key);
        }
        return Map.copyOf(map);
    }

    static Map<String, Object> defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        KEYS.forEach((path, key) -> values.put(path, key.defaultValue()));
        return values;
    }
}
