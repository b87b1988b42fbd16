package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Endpoints, EndpointSlices and Leases with optimistic concurrency and RBAC, and the aggregator routing through Endpoints. */
class RegistrationObjectsTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String EP = "/api/v1/namespaces/kube-system/endpoints";
    static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext admin;
    static SSLContext appliance;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(1).podsPerNode(1).build());
        admin = TestHttp.tls(dir, "admin");
        appliance = TestHttp.tls(dir, "appliance");
        api = sim.apiserverUrl().toString();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static TestHttp.Response call(SSLContext who, String method, String path, String body) throws Exception {
        return TestHttp.request(method, api + path, who, null, Map.of("Accept", "application/json"), body);
    }

    static String endpoints(String rv, String... ipPorts) {
        StringBuilder subsets = new StringBuilder();
        for (String ipPort : ipPorts) {
            String[] p = ipPort.split(":");
            subsets.append(subsets.isEmpty() ? "" : ",").append("{\"addresses\":[{\"ip\":\"").append(p[0])
                    .append("\"}],\"ports\":[{\"name\":\"https\",\"port\":").append(p[1]).append(",\"protocol\":\"TCP\"}]}");
        }
        return "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"metrics-server\""
                + (rv == null ? "" : ",\"resourceVersion\":\"" + rv + "\"") + "},\"subsets\":[" + subsets + "]}";
    }

    @Test
    void endpointsHaveOptimisticConcurrencyAndNamedRbac() throws Exception {
        TestHttp.Response created = call(appliance, "POST", EP, endpoints(null, "127.0.0.5:4443"));
        assertEquals(201, created.code(), created.body());
        String rv = M.readTree(created.body()).at("/metadata/resourceVersion").asText();
        assertEquals(409, call(appliance, "POST", EP, endpoints(null, "127.0.0.5:4443")).code(), "AlreadyExists");

        TestHttp.Response updated = call(appliance, "PUT", EP + "/metrics-server", endpoints(rv, "127.0.0.5:4443", "127.0.0.6:4443"));
        assertEquals(200, updated.code(), updated.body());
        TestHttp.Response stale = call(appliance, "PUT", EP + "/metrics-server", endpoints(rv, "127.0.0.5:4443"));
        assertEquals(409, stale.code());
        JsonNode status = M.readTree(stale.body());
        assertEquals("Conflict", status.get("reason").asText());
        assertTrue(status.get("message").asText().startsWith("Operation cannot be fulfilled on endpoints \"metrics-server\": the object has been modified"),
                status.toString());
        JsonNode stored = M.readTree(call(appliance, "GET", EP + "/metrics-server", null).body());
        assertEquals(2, stored.at("/subsets").size(), "the stale update lost: " + stored);

        // RBAC: the appliance may touch only its Service's Endpoints, and only in kube-system
        assertEquals(403, call(appliance, "GET", EP + "/kubernetes", null).code());
        assertEquals(403, call(appliance, "POST", "/api/v1/namespaces/default/endpoints", endpoints(null, "127.0.0.5:4443")).code());
        TestHttp.Response bad = call(admin, "POST", EP, endpoints(null, "not-an-ip:4443").replace("metrics-server", "other"));
        assertEquals(422, bad.code(), bad.body());
        assertTrue(bad.body().contains("must be a valid IP address"), bad.body());
        TestHttp.Response misnamed = call(admin, "PUT", EP + "/metrics-server",
                endpoints(null, "127.0.0.5:4443").replace("metrics-server", "other"));
        assertEquals(400, misnamed.code(), misnamed.body());
        assertTrue(misnamed.body().contains("does not match the name on the URL"), misnamed.body());
        TestHttp.Response badUpdate = call(admin, "PUT", EP + "/metrics-server", endpoints(null, "not-an-ip:4443"));
        assertEquals(422, badUpdate.code(), badUpdate.body());
        assertEquals(200, call(admin, "DELETE", EP + "/metrics-server", null).code());
        assertEquals(404, call(admin, "GET", EP + "/metrics-server", null).code());
    }

    @Test
    void anUpdateThatCreatesIsBoundedAsACreateIs(@TempDir Path own) throws Exception {
        // its own simulator: filling the store would refuse the other tests' creates
        try (Simulator full = Simulator.start(SimulatorOptions.builder(own).nodes(1).podsPerNode(1).build())) {
            SSLContext root = TestHttp.tls(own, "admin");
            String url = full.apiserverUrl() + "/api/v1/namespaces/default/endpoints";
            for (int i = 0; i < 1000; i++) {
                String body = endpoints(null, "127.0.0.5:4443").replace("\"metrics-server\"", "\"ep-" + i + "\"");
                TestHttp.Response r = TestHttp.request("POST", url, root, null, Map.of("Accept", "application/json"), body);
                assertEquals(201, r.code(), r.body());
            }
            String extra = endpoints(null, "127.0.0.5:4443").replace("\"metrics-server\"", "\"ep-extra\"");
            TestHttp.Response created = TestHttp.request("PUT", url + "/ep-extra", root, null, Map.of("Accept", "application/json"), extra);
            assertEquals(429, created.code(), created.body());
            assertTrue(created.body().contains("the simulator keeps at most 1000 endpoints"), created.body());
            assertEquals(429, TestHttp.request("POST", url, root, null, Map.of("Accept", "application/json"), extra).code());
        }
    }

    @Test
    void endpointSlicesServedAsV1AndV1beta1AndV1CanBeSwitchedOff() throws Exception {
        String slice = """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"metrics-server-kma-a",
                 "labels":{"kubernetes.io/service-name":"metrics-server"}},"addressType":"IPv4",
                 "endpoints":[{"addresses":["127.0.0.5"],"conditions":{"ready":true}}],"ports":[{"name":"https","port":4443}]}""";
        String path = "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices";
        assertEquals(201, call(appliance, "POST", path, slice).code());
        JsonNode beta = M.readTree(call(appliance, "GET", path.replace("/v1/", "/v1beta1/") + "/metrics-server-kma-a", null).body());
        assertEquals("discovery.k8s.io/v1beta1", beta.get("apiVersion").asText());
        JsonNode list = M.readTree(call(appliance, "GET", path + "?labelSelector=kubernetes.io/service-name%3Dmetrics-server", null).body());
        assertEquals(1, list.get("items").size());
        assertEquals(0, M.readTree(call(appliance, "GET", path + "?labelSelector=kubernetes.io/service-name%3Dother", null).body())
                .get("items").size());
        try {
            sim.registrationObjects().serveEndpointSliceV1(false);
            assertEquals(404, call(appliance, "GET", path, null).code(), "v1 is not served by kube-apiserver 1.20");
            JsonNode group = M.readTree(call(appliance, "GET", "/apis/discovery.k8s.io", null).body());
            assertEquals(1, group.get("versions").size());
            assertEquals("v1beta1", group.at("/preferredVersion/version").asText());
        } finally {
            sim.registrationObjects().serveEndpointSliceV1(true);
        }
        JsonNode group = M.readTree(call(appliance, "GET", "/apis/discovery.k8s.io", null).body());
        assertEquals(2, group.get("versions").size());
        assertEquals(200, call(appliance, "DELETE", path + "/metrics-server-kma-a", null).code());
    }

    @Test
    void leasesListBySelectorAndDeleteWithPreconditions() throws Exception {
        String lease = """
                {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"kube-metrics-appliance-a",
                 "labels":{"app.kubernetes.io/name":"kube-metrics-appliance"}},
                 "spec":{"holderIdentity":"a","leaseDurationSeconds":30,"renewTime":"2026-12-03T07:00:00.000000Z"}}""";
        TestHttp.Response created = call(appliance, "POST", LEASES, lease);
        assertEquals(201, created.code(), created.body());
        String rv = M.readTree(created.body()).at("/metadata/resourceVersion").asText();
        assertEquals(422, call(appliance, "POST", LEASES, lease.replace("\"a\",\"leaseDurationSeconds\":30", "\"b\",\"leaseDurationSeconds\":0")
                .replace("appliance-a", "appliance-b")).code());
        JsonNode list = M.readTree(call(appliance, "GET", LEASES + "?labelSelector=app.kubernetes.io/name%3Dkube-metrics-appliance", null).body());
        assertEquals(1, list.get("items").size());
        assertEquals("LeaseList", list.get("kind").asText());
        assertEquals(409, call(appliance, "DELETE", LEASES + "/kube-metrics-appliance-a", "{\"preconditions\":{\"resourceVersion\":\"1\"}}").code());
        assertEquals(200, call(appliance, "DELETE", LEASES + "/kube-metrics-appliance-a",
                "{\"preconditions\":{\"resourceVersion\":\"" + rv + "\"}}").code());
        assertEquals(403, call(appliance, "POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", lease).code());
    }

    @Test
    void aggregatorRoutesToTheServiceEndpointsInTurn() throws Exception {
        try (FakeAppliance a = new FakeAppliance(sim.frontProxyCaCertificate());
             FakeAppliance b = new FakeAppliance(sim.frontProxyCaCertificate())) {
            sim.registerApplianceService("kube-system", "metrics-server");
            assertFalse(sim.registration().checkNow());
            assertEquals("MissingEndpoints", sim.registration().availability().reason());
            TestHttp.Response none = call(admin, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", null);
            assertEquals(503, none.code());
            assertTrue(none.body().contains("no endpoints available for service \\\"metrics-server\\\""), none.body());

            TestHttp.Response created = call(appliance, "POST", EP, endpoints(null, "127.0.0.1:" + a.url.getPort(), "127.0.0.1:" + b.url.getPort()));
            assertEquals(201, created.code(), created.body());
            assertTrue(sim.registration().checkNow());
            int before = a.seen.size() + b.seen.size();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, call(admin, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", null).code());
            }
            Set<Integer> counts = new HashSet<>(List.of(a.seen.size(), b.seen.size()));
            assertEquals(before + 4, a.seen.size() + b.seen.size());
            assertTrue(a.seen.stream().anyMatch(s -> s.path().endsWith("/nodes")) && b.seen.stream().anyMatch(s -> s.path().endsWith("/nodes")),
                    "both endpoints served: " + counts);

            String rv = M.readTree(created.body()).at("/metadata/resourceVersion").asText();
            assertEquals(200, call(appliance, "PUT", EP + "/metrics-server", endpoints(rv, "127.0.0.1:" + b.url.getPort())).code());
            int aBefore = a.seen.size();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, call(admin, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", null).code());
            }
            assertEquals(aBefore, a.seen.size(), "a removed address gets no more requests");
        } finally {
            sim.registerAppliance(null);
            call(admin, "DELETE", EP + "/metrics-server", null);
        }
    }
}
