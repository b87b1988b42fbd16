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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiServerTest {
    static final ObjectMapper M = new ObjectMapper();
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext admin;
    static SSLContext appliance;
    static SSLContext anonymous;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(3).podsPerNode(10).build());
        admin = TestHttp.tls(dir, "admin");
        appliance = TestHttp.tls(dir, "appliance");
        anonymous = TestHttp.tls(dir, null);
        api = sim.apiserverUrl().toString();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static JsonNode getJson(SSLContext tls, String path, Map<String, String> headers) throws Exception {
        TestHttp.Response r = TestHttp.get(api + path, tls, headers);
        assertEquals(200, r.code(), r.body());
        return M.readTree(r.body());
    }

    @Test
    void anonymousGets401Status() throws Exception {
        TestHttp.Response r = TestHttp.get(api + "/api/v1/nodes", anonymous, Map.of());
        assertEquals(401, r.code());
        JsonNode s = M.readTree(r.body());
        assertEquals("Status", s.get("kind").asText());
        assertEquals("Unauthorized", s.get("reason").asText());
    }

    @Test
    void nodesCarryRealisticStatus() throws Exception {
        JsonNode list = getJson(appliance, "/api/v1/nodes", Map.of());
        assertEquals("NodeList", list.get("kind").asText());
        assertEquals(3, list.get("items").size());
        JsonNode n0 = list.get("items").get(0);
        assertEquals("sim-node-0", n0.at("/metadata/name").asText());
        assertEquals("8", n0.at("/status/capacity/cpu").asText());
        assertEquals("32Gi", n0.at("/status/allocatable/memory").asText());
        assertEquals(sim.kubeletAddress(0).getPort(), n0.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt());
        assertTrue(n0.at("/metadata/labels").has("node-role.kubernetes.io/control-plane"));
        assertFalse(list.get("items").get(1).at("/metadata/labels").has("node-role.kubernetes.io/control-plane"));
        Set<String> types = new HashSet<>();
        n0.at("/status/addresses").forEach(a -> types.add(a.get("type").asText()));
        assertEquals(Set.of("Hostname", "InternalIP", "ExternalIP"), types);
        JsonNode one = getJson(appliance, "/api/v1/nodes/sim-node-2", Map.of());
        assertEquals("Node", one.get("kind").asText());
        assertEquals(404, TestHttp.get(api + "/api/v1/nodes/nope", appliance, Map.of()).code());
    }

    @Test
    void pagingReturnsEveryPodOnce() throws Exception {
        Set<String> seen = new HashSet<>();
        String cont = null;
        int pages = 0;
        do {
            String q = "/api/v1/pods?limit=7" + (cont == null ? "" : "&continue=" + cont);
            JsonNode page = getJson(appliance, q, Map.of());
            page.get("items").forEach(p -> assertTrue(seen.add(p.at("/metadata/namespace").asText() + "/" + p.at("/metadata/name").asText())));
            cont = page.at("/metadata/continue").isMissingNode() ? null : page.at("/metadata/continue").asText();
            pages++;
        } while (cont != null && pages < 20);
        assertEquals(30, seen.size());
        assertEquals(5, pages);
    }

    /** As kube-apiserver's watch cache: resourceVersion=0 ignores limit; other resourceVersions as its cacher/etcd answer. */
    @Test
    void listResourceVersionSemantics() throws Exception {
        JsonNode all = getJson(appliance, "/api/v1/pods?resourceVersion=0&limit=7&fieldSelector=status.phase%3DRunning", Map.of());
        assertEquals(30, all.get("items").size(), "resourceVersion=0: the whole list in one answer");
        assertTrue(all.at("/metadata/continue").isMissingNode());
        long rv = all.at("/metadata/resourceVersion").asLong();
        JsonNode notOlder = getJson(appliance, "/api/v1/pods?resourceVersion=" + rv, Map.of());
        assertEquals(30, notOlder.get("items").size());
        JsonNode exactPaged = getJson(appliance, "/api/v1/pods?resourceVersion=" + rv + "&limit=7", Map.of());
        assertEquals(7, exactPaged.get("items").size(), "an exact resourceVersion with limit is paged");
        TestHttp.Response tooNew = TestHttp.get(api + "/api/v1/pods?resourceVersion=" + (rv + 1000), appliance, Map.of());
        assertEquals(504, tooNew.code());
        assertTrue(M.readTree(tooNew.body()).get("message").asText().startsWith("Too large resource version"), tooNew.body());
        TestHttp.Response compacted = TestHttp.get(api + "/api/v1/pods?resourceVersion=1&limit=7", appliance, Map.of());
        assertEquals(410, compacted.code());
        assertEquals("Expired", M.readTree(compacted.body()).get("reason").asText());
        assertEquals(400, TestHttp.get(api + "/api/v1/pods?resourceVersion=x", appliance, Map.of()).code());
        assertEquals(400, TestHttp.get(api + "/api/v1/pods?resourceVersion=-1", appliance, Map.of()).code());
        assertEquals(7, getJson(appliance, "/api/v1/pods?resourceVersion=&limit=7", Map.of()).get("items").size(),
                "an empty resourceVersion is none: a consistent read, paged");
    }

    @Test
    void selectorsFilter() throws Exception {
        JsonNode byLabel = getJson(appliance, "/api/v1/pods?labelSelector=app%3Dsim-app-1", Map.of());
        byLabel.get("items").forEach(p -> assertEquals("sim-app-1", p.at("/metadata/labels/app").asText()));
        assertEquals(9, byLabel.get("items").size()); // j in {1,4,7} on 3 nodes
        JsonNode notIn = getJson(appliance, "/api/v1/pods?labelSelector=app+notin+(sim-app-1,sim-app-2)", Map.of());
        assertEquals(12, notIn.get("items").size()); // j in {0,3,6,9}
        JsonNode byNode = getJson(appliance, "/api/v1/pods?fieldSelector=spec.nodeName%3Dsim-node-1,status.phase%3DRunning", Map.of());
        assertEquals(10, byNode.get("items").size());
        byNode.get("items").forEach(p -> assertEquals("sim-node-1", p.at("/spec/nodeName").asText()));
        JsonNode ns = getJson(appliance, "/api/v1/namespaces/sim-ns-1/pods?fieldSelector=metadata.name%3Dsim-pod-2-6", Map.of());
        assertEquals(1, ns.get("items").size());
        assertEquals(400, TestHttp.get(api + "/api/v1/pods?fieldSelector=spec.bogus%3Dx", appliance, Map.of()).code());
    }

    @Test
    void metadataOnlyListAndTable() throws Exception {
        JsonNode meta = getJson(appliance, "/api/v1/pods?fieldSelector=status.phase%3DRunning",
                Map.of("Accept", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"));
        assertEquals("PartialObjectMetadataList", meta.get("kind").asText());
        assertEquals("meta.k8s.io/v1", meta.get("apiVersion").asText());
        JsonNode item = meta.get("items").get(0);
        assertEquals("PartialObjectMetadata", item.get("kind").asText());
        assertNull(item.get("spec"));
        assertNotNull(item.at("/metadata/uid").asText(null));
        JsonNode table = getJson(admin, "/api/v1/nodes", Map.of("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
        assertEquals("Table", table.get("kind").asText());
        assertEquals(3, table.get("rows").size());
        assertEquals(406, TestHttp.get(api + "/api/v1/pods", appliance, Map.of("Accept", "application/vnd.kubernetes.protobuf")).code());
    }

    @Test
    void viewerMayListPodsButNotNodes() throws Exception {
        String token = Files.readString(dir.resolve("viewer-token")).trim();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
        assertEquals(200, TestHttp.get(api + "/api/v1/pods", anonymous, auth).code());
        TestHttp.Response r = TestHttp.get(api + "/api/v1/nodes", anonymous, auth);
        assertEquals(403, r.code());
        assertEquals("nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
                M.readTree(r.body()).get("message").asText());
        assertEquals(401, TestHttp.get(api + "/api/v1/pods", anonymous, Map.of("Authorization", "Bearer wrong")).code());
    }

    @Test
    void tokenReviewAndAccessReviews() throws Exception {
        String token = Files.readString(dir.resolve("kubelet-token")).trim();
        TestHttp.Response tr = TestHttp.request("POST", api + "/apis/authentication.k8s.io/v1/tokenreviews", appliance, null, Map.of(),
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}");
        assertEquals(201, tr.code(), tr.body());
        JsonNode trs = M.readTree(tr.body()).get("status");
        assertTrue(trs.get("authenticated").asBoolean());
        assertEquals(Policy.KUBELET_TOKEN_USER, trs.at("/user/username").asText());
        TestHttp.Response bad = TestHttp.request("POST", api + "/apis/authentication.k8s.io/v1/tokenreviews", appliance, null, Map.of(),
                "{\"spec\":{\"token\":\"nope\"}}");
        assertFalse(M.readTree(bad.body()).at("/status/authenticated").asBoolean());

        String sar = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"%s\",\"groups\":[%s],"
                + "\"resourceAttributes\":{\"verb\":\"list\",\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\",\"resource\":\"pods\",\"namespace\":\"sim-ns-1\"}}}";
        JsonNode allowed = M.readTree(TestHttp.request("POST", api + "/apis/authorization.k8s.io/v1/subjectaccessreviews", appliance, null, Map.of(),
                String.format(sar, "kubernetes-admin", "\"system:masters\"")).body());
        assertTrue(allowed.at("/status/allowed").asBoolean());
        JsonNode denied = M.readTree(TestHttp.request("POST", api + "/apis/authorization.k8s.io/v1/subjectaccessreviews", appliance, null, Map.of(),
                String.format(sar, "jane", "\"developers\"")).body());
        assertFalse(denied.at("/status/allowed").asBoolean());

        String viewer = Files.readString(dir.resolve("viewer-token")).trim();
        JsonNode self = M.readTree(TestHttp.request("POST", api + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", anonymous, null,
                Map.of("Authorization", "Bearer " + viewer),
                "{\"spec\":{\"resourceAttributes\":{\"verb\":\"list\",\"resource\":\"pods\"}}}").body());
        assertTrue(self.at("/status/allowed").asBoolean());
        // jane may not create SubjectAccessReviews about others
        assertEquals(403, TestHttp.request("POST", api + "/apis/authorization.k8s.io/v1/subjectaccessreviews", anonymous, null,
                Map.of("Authorization", "Bearer " + viewer), String.format(sar, "x", "")).code());
    }

    @Test
    void authConfigMapHasRequestHeaderSettings() throws Exception {
        JsonNode cm = getJson(appliance, "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication", Map.of());
        JsonNode data = cm.get("data");
        assertEquals("[\"front-proxy-client\"]", data.get("requestheader-allowed-names").asText());
        assertEquals("[\"X-Remote-User\"]", data.get("requestheader-username-headers").asText());
        assertEquals("[\"X-Remote-Group\"]", data.get("requestheader-group-headers").asText());
        assertEquals("[\"X-Remote-Extra-\"]", data.get("requestheader-extra-headers-prefix").asText());
        assertEquals(sim.frontProxyCaCertificate(), Pki.readCerts(data.get("requestheader-client-ca-file").asText()).get(0));
        assertEquals(sim.caCertificate(), Pki.readCerts(data.get("client-ca-file").asText()).get(0));
    }

    @Test
    void discoveryListsMetricsGroupOnlyWhenRegistered() throws Exception {
        JsonNode apis = getJson(admin, "/apis", Map.of("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
        assertFalse(apis.toString().contains("metrics.k8s.io"));
        assertEquals("v1", getJson(admin, "/api", Map.of()).at("/versions/0").asText());
        assertEquals("1", getJson(admin, "/version", Map.of()).get("major").asText());
    }
}
