package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorProxyTest {
    static final ObjectMapper M = new ObjectMapper();
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext admin;
    static SSLContext noCert;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(1).podsPerNode(1).build());
        admin = TestHttp.tls(dir, "admin");
        noCert = TestHttp.tls(dir, null);
        // the kubelet-token service account may read metrics in this test: the policy is configurable
        sim.policy().add(Policy.resourceRule(Set.of("user:" + Policy.KUBELET_TOKEN_USER), Set.of("get", "list"),
                Set.of("metrics.k8s.io"), Set.of("nodes", "pods")));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void proxiesWithFrontProxyCertAndIdentityHeaders() throws Exception {
        String api = sim.apiserverUrl().toString();
        assertEquals(404, TestHttp.get(api + "/apis/metrics.k8s.io/v1beta1/nodes", admin, Map.of()).code());
        try (FakeAppliance app = new FakeAppliance(sim.frontProxyCaCertificate())) {
            sim.registerAppliance(app.url);
            assertTrue(sim.registration().checkNow());
            FakeAppliance.Seen check = app.last();
            assertEquals("/apis/metrics.k8s.io/v1beta1", check.path());
            assertEquals(List.of("system:kube-aggregator"), check.headers().get("X-Remote-User"));
            assertEquals(List.of("system:masters"), check.headers().get("X-Remote-Group"));

            JsonNode svc = M.readTree(TestHttp.get(api + "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io", admin, Map.of()).body());
            assertEquals("True", svc.at("/status/conditions/0/status").asText());
            assertTrue(TestHttp.get(api + "/apis", admin, Map.of()).body().contains("\"metrics.k8s.io\""));

            String token = Files.readString(dir.resolve("kubelet-token")).trim();
            TestHttp.Response r = TestHttp.get(api + "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a%3Db", noCert,
                    Map.of("Authorization", "Bearer " + token, "Accept", "application/vnd.kubernetes.protobuf, */*",
                            "Accept-Encoding", "gzip", "X-Remote-User", "mallory", "Impersonate-User", "mallory"));
            assertEquals(200, r.code(), r.body());
            assertEquals("application/json", r.contentType());
            assertEquals("NodeMetricsList", M.readTree(r.body()).get("kind").asText());
            FakeAppliance.Seen s = app.last();
            assertEquals("front-proxy-client", s.clientCn());
            assertEquals("/apis/metrics.k8s.io/v1beta1/nodes", s.path());
            assertEquals("labelSelector=a%3Db", s.query());
            assertEquals(List.of(Policy.KUBELET_TOKEN_USER), s.headers().get("X-Remote-User"));
            assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"), s.headers().get("X-Remote-Group"));
            assertNull(s.headers().get("Authorization"));
            assertNull(s.headers().get("Impersonate-User"));
            assertEquals(List.of("application/vnd.kubernetes.protobuf, */*"), s.headers().get("Accept"));
            assertEquals(List.of("gzip"), s.headers().get("Accept-Encoding"), "passed on, as kube-apiserver's proxy");
            assertEquals(List.of("https"), s.headers().get("X-Forwarded-Proto"));
            assertEquals(List.of("/apis/metrics.k8s.io/v1beta1/nodes"), s.headers().get("X-Forwarded-Uri"));
            assertEquals(List.of("127.0.0.1"), s.headers().get("X-Forwarded-For"));
            assertTrue(s.headers().get("X-Forwarded-Host").get(0).startsWith("127.0.0.1:"));

            // jane is stopped by the aggregator's own authorization: the backend sees nothing
            int before = app.seen.size();
            String viewer = Files.readString(dir.resolve("viewer-token")).trim();
            TestHttp.Response denied = TestHttp.get(api + "/apis/metrics.k8s.io/v1beta1/namespaces/sim-ns-1/pods", noCert,
                    Map.of("Authorization", "Bearer " + viewer));
            assertEquals(403, denied.code());
            assertEquals("pods.metrics.k8s.io is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"metrics.k8s.io\" in the namespace \"sim-ns-1\"",
                    M.readTree(denied.body()).get("message").asText());
            assertEquals(before, app.seen.size());
        }
        // backend gone: 503 the way kube-apiserver words it, and the APIService turns unavailable
        TestHttp.Response gone = TestHttp.get(api + "/apis/metrics.k8s.io/v1beta1/nodes", admin, Map.of());
        assertEquals(503, gone.code());
        JsonNode st = M.readTree(gone.body());
        assertEquals("the server is currently unable to handle the request (get nodes.metrics.k8s.io)", st.get("message").asText());
        assertEquals("ServiceUnavailable", st.get("reason").asText());
        assertFalse(sim.registration().checkNow());
        JsonNode svc = M.readTree(TestHttp.get(api + "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io", admin, Map.of()).body());
        assertEquals("False", svc.at("/status/conditions/0/status").asText());
        assertEquals("FailedDiscoveryCheck", svc.at("/status/conditions/0/reason").asText());
        sim.registerAppliance(null);
        assertFalse(TestHttp.get(api + "/apis", admin, Map.of()).body().contains("\"metrics.k8s.io\""));
    }
}
