package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kma.api.config.Pids;

class PidMappingTest {

    @Test
    void everyPidIsWrittenWithEveryDocumentedProperty() {
        Map<String, Map<String, Object>> pids = PidMapping.toPids(Settings.defaults());
        assertEquals(Set.of(Pids.HTTP_SERVER, Pids.KUBE_CLIENT, Pids.SCRAPER, Pids.STORE, Pids.ADDRESS_PREFERRED,
                Pids.ADDRESS_HOSTS, Pids.KUBELET_AUTH_X509, Pids.KUBELET_AUTH_TOKEN, Pids.METRICS_API, Pids.REGISTRATION), pids.keySet());
        assertEquals(Set.of("bindAddress", "securePort", "tlsCertFile", "tlsPrivateKeyFile", "certDir", "tlsMinVersion",
                "maxRequestsInflight", "requestTimeoutMillis", "maxConnections", "maxConnectionsPerClient", "shutdownDelayMillis"),
                pids.get(Pids.HTTP_SERVER).keySet());
        assertEquals(60_000L, pids.get(Pids.HTTP_SERVER).get("requestTimeoutMillis"));
        assertEquals(400, pids.get(Pids.HTTP_SERVER).get("maxRequestsInflight"));
        assertEquals(Set.of("resolutionMillis", "requestTimeoutMillis", "maxConcurrentScrapes", "maxResponseBytes",
                "nodeSelector", "certificateAuthority", "insecureSkipTLSVerify", "tlsVerification", "pinDirectory",
                "addressResolver.target", "credentials.target"), pids.get(Pids.SCRAPER).keySet());
        assertEquals(12, pids.get(Pids.METRICS_API).size());
        assertEquals(Map.of("enabled", true, "advertiseAddress", "", "service", "kube-system/metrics-server",
                "leaseNamespace", "kube-system", "leaseDurationSeconds", 30, "renewIntervalSeconds", 10, "allowLoopback", false),
                pids.get(Pids.REGISTRATION));
        assertEquals(10_000L, pids.get(Pids.HTTP_SERVER).get("shutdownDelayMillis"));
    }

    @Test
    void defaultsHaveTheDocumentedTypesAndValues() {
        Map<String, Map<String, Object>> pids = PidMapping.toPids(Settings.defaults());
        Map<String, Object> scraper = pids.get(Pids.SCRAPER);
        assertEquals(15_000L, scraper.get("resolutionMillis"));
        assertEquals(10_000L, scraper.get("requestTimeoutMillis"));
        assertEquals(256, scraper.get("maxConcurrentScrapes"));
        assertEquals(16L * 1024 * 1024, scraper.get("maxResponseBytes"));
        assertEquals("(kma.strategy=preferred)", scraper.get("addressResolver.target"));
        assertEquals("(kma.strategy=kubeconfig)", scraper.get("credentials.target"));
        assertEquals(Boolean.FALSE, scraper.get("insecureSkipTLSVerify"));
        assertEquals("caOrPin", scraper.get("tlsVerification"));
        assertEquals("/var/lib/kube-metrics-appliance/kubelet-pins", scraper.get("pinDirectory"));
        assertEquals(4443, pids.get(Pids.HTTP_SERVER).get("securePort"));
        assertArrayEquals(new String[] {"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"},
                (String[]) pids.get(Pids.ADDRESS_PREFERRED).get("preferredAddressTypes"));
        assertArrayEquals(new String[] {"/healthz", "/readyz", "/livez"},
                (String[]) pids.get(Pids.METRICS_API).get("alwaysAllowPaths"));
        assertArrayEquals(new String[0], (String[]) pids.get(Pids.ADDRESS_HOSTS).get("hosts"));
    }

    @Test
    void strategiesBecomeTargetFiltersAndHostsBecomePairs() throws Exception {
        Settings s = ConfigParser.parse("c.yaml", """
                kubelet:
                  addressResolver: hosts
                  auth: token
                  tokenFile: /run/token
                  hosts: {node-1: 192.0.2.21, node-2: 192.0.2.22}
                """);
        Map<String, Map<String, Object>> pids = PidMapping.toPids(s);
        assertEquals("(kma.strategy=hosts)", pids.get(Pids.SCRAPER).get("addressResolver.target"));
        assertEquals("(kma.strategy=token)", pids.get(Pids.SCRAPER).get("credentials.target"));
        assertArrayEquals(new String[] {"node-1=192.0.2.21", "node-2=192.0.2.22"},
                (String[]) pids.get(Pids.ADDRESS_HOSTS).get("hosts"));
        assertEquals("/run/token", pids.get(Pids.KUBELET_AUTH_TOKEN).get("tokenFile"));
    }

    @Test
    void unchangedPropertiesAreRecognisedSoPidsAreNotRewritten() {
        Map<String, Object> wanted = PidMapping.toPids(Settings.defaults()).get(Pids.ADDRESS_PREFERRED);
        Hashtable<String, Object> stored = new Hashtable<>(wanted);
        stored.put("preferredAddressTypes", ((String[]) wanted.get("preferredAddressTypes")).clone());
        stored.put("service.pid", Pids.ADDRESS_PREFERRED);
        assertTrue(PropertiesComparison.same(stored, wanted));
        stored.put("port", 10255);
        assertFalse(PropertiesComparison.same(stored, wanted));
        assertFalse(PropertiesComparison.same(null, wanted));
    }
}
