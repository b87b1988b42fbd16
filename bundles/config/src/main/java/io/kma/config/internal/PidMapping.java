package io.kma.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kma.api.config.Pids;

/**
 * config.yaml keys to ConfigAdmin PIDs and properties (the table in docs/DEVELOPING.md). Every PID gets every
 * property: durations as Long milliseconds, sizes as Long bytes, lists as String[].
 */
final class PidMapping {

    private PidMapping() {
    }

    static Map<String, Map<String, Object>> toPids(Settings s) {
        Map<String, Map<String, Object>> pids = new LinkedHashMap<>();

        Map<String, Object> http = new LinkedHashMap<>();
        http.put("bindAddress", s.string("server.bindAddress"));
        http.put("securePort", s.integer("server.securePort"));
        http.put("tlsCertFile", s.string("server.tlsCertFile"));
        http.put("tlsPrivateKeyFile", s.string("server.tlsPrivateKeyFile"));
        http.put("certDir", s.string("server.certDir"));
        http.put("tlsMinVersion", s.string("server.tlsMinVersion"));
        http.put("maxRequestsInflight", s.integer("server.maxRequestsInflight"));
        http.put("requestTimeoutMillis", s.number("server.requestTimeout"));
        http.put("maxConnections", s.integer("server.maxConnections"));
        http.put("maxConnectionsPerClient", s.integer("server.maxConnectionsPerClient"));
        http.put("shutdownDelayMillis", s.number("server.shutdownDelay"));
        pids.put(Pids.HTTP_SERVER, http);

        pids.put(Pids.KUBE_CLIENT, new LinkedHashMap<>(Map.of("kubeconfig", s.string("kubeconfig"))));

        Map<String, Object> scraper = new LinkedHashMap<>();
        scraper.put("resolutionMillis", s.number("metricResolution"));
        scraper.put("requestTimeoutMillis", s.number("kubelet.requestTimeout"));
        scraper.put("maxConcurrentScrapes", s.integer("kubelet.maxConcurrentScrapes"));
        scraper.put("maxResponseBytes", s.number("kubelet.maxResponseBytes"));
        scraper.put("nodeSelector", s.string("nodeSelector"));
        scraper.put("certificateAuthority", s.string("kubelet.certificateAuthority"));
        scraper.put("insecureSkipTLSVerify", s.bool("kubelet.insecureSkipTLSVerify"));
        scraper.put("tlsVerification", s.string("kubelet.tlsVerification"));
        scraper.put("pinDirectory", s.string("kubelet.pinDirectory"));
        scraper.put("addressResolver.target", strategyFilter(s.string("kubelet.addressResolver")));
        scraper.put("credentials.target", strategyFilter(s.string("kubelet.auth")));
        pids.put(Pids.SCRAPER, scraper);

        pids.put(Pids.STORE, new LinkedHashMap<>(Map.of("resolutionMillis", s.number("metricResolution"))));

        Map<String, Object> preferred = new LinkedHashMap<>();
        preferred.put("preferredAddressTypes", array(s.list("kubelet.preferredAddressTypes")));
        preferred.put("port", s.integer("kubelet.port"));
        preferred.put("useNodeStatusPort", s.bool("kubelet.useNodeStatusPort"));
        pids.put(Pids.ADDRESS_PREFERRED, preferred);

        Map<String, Object> hosts = new LinkedHashMap<>();
        hosts.put("hosts", s.map("kubelet.hosts").entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        hosts.put("port", s.integer("kubelet.port"));
        hosts.put("useNodeStatusPort", s.bool("kubelet.useNodeStatusPort"));
        pids.put(Pids.ADDRESS_HOSTS, hosts);

        Map<String, Object> x509 = new LinkedHashMap<>();
        x509.put("clientCertificate", s.string("kubelet.clientCertificate"));
        x509.put("clientKey", s.string("kubelet.clientKey"));
        pids.put(Pids.KUBELET_AUTH_X509, x509);

        pids.put(Pids.KUBELET_AUTH_TOKEN, new LinkedHashMap<>(Map.of("tokenFile", s.string("kubelet.tokenFile"))));

        Map<String, Object> api = new LinkedHashMap<>();
        api.put("nodeSelector", s.string("nodeSelector"));
        api.put("resolutionMillis", s.number("metricResolution"));
        api.put("requestheaderClientCAFile", s.string("authentication.requestheaderClientCAFile"));
        api.put("requestheaderAllowedNames", array(s.list("authentication.requestheaderAllowedNames")));
        api.put("requestheaderUsernameHeaders", array(s.list("authentication.requestheaderUsernameHeaders")));
        api.put("requestheaderGroupHeaders", array(s.list("authentication.requestheaderGroupHeaders")));
        api.put("requestheaderExtraHeadersPrefix", array(s.list("authentication.requestheaderExtraHeadersPrefix")));
        api.put("tokenCacheTTLMillis", s.number("authentication.tokenCacheTTL"));
        api.put("authorizationMode", s.string("authorization.mode"));
        api.put("cacheAuthorizedTTLMillis", s.number("authorization.cacheAuthorizedTTL"));
        api.put("cacheUnauthorizedTTLMillis", s.number("authorization.cacheUnauthorizedTTL"));
        api.put("alwaysAllowPaths", array(s.list("authorization.alwaysAllowPaths")));
        pids.put(Pids.METRICS_API, api);

        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("enabled", s.bool("registration.enabled"));
        registration.put("advertiseAddress", s.string("registration.advertiseAddress"));
        registration.put("service", s.string("registration.service"));
        registration.put("leaseNamespace", s.string("registration.leaseNamespace"));
        registration.put("leaseDurationSeconds", s.integer("registration.leaseDurationSeconds"));
        registration.put("renewIntervalSeconds", s.integer("registration.renewIntervalSeconds"));
        registration.put("allowLoopback", s.bool("registration.allowLoopback"));
        pids.put(Pids.REGISTRATION, registration);

        return pids;
    }

    /** Strategy services carry kma.strategy; the scraper's references select one through this target filter. */
    static String strategyFilter(String strategy) {
        return "(kma.strategy=" + strategy + ")";
    }

    private static String[] array(List<String> list) {
        return list.toArray(String[]::new);
    }
}
