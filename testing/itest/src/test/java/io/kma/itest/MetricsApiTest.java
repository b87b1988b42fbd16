package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.simulator.LoadProfile;

/**
 * metrics.k8s.io behind the simulator's aggregator front, with the real kubectl as the client,
 * delegated authentication and authorization, and a hot swap of the API bundle under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsApiTest {

    static final int NODES = 3;
    static final int PODS = 10;

    @TempDir
    static Path work;
    static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start(work, NODES, PODS);
        cluster.awaitAllMetrics();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static String kubectl(String... args) throws Exception {
        return cluster.kubectl(args);
    }

    /** Rows of a kubectl table, keyed by the first column (or the first two with -A / --containers). */
    static Map<String, String[]> rows(String output, int keyColumns) {
        Map<String, String[]> rows = new TreeMap<>();
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.trim().split("\\s+");
            rows.put(keyColumns == 1 ? cols[0] : cols[0] + "/" + cols[1], cols);
        }
        return rows;
    }

    @Test
    @Order(1)
    void kubectlTopNodePrintsTheProfileFigures() throws Exception {
        String out = kubectl("top", "node");
        assertTrue(out.lines().findFirst().orElse("").matches("NAME\\s+CPU\\(cores\\)\\s+CPU\\(%\\)\\s+MEMORY\\(bytes\\)\\s+MEMORY\\(%\\)\\s*"), out);
        Map<String, String[]> rows = rows(out, 1);
        assertEquals(NODES, rows.size(), out);
        LoadProfile profile = cluster.sim.profile();
        for (int i = 0; i < NODES; i++) {
            String[] r = rows.get(LoadProfile.nodeName(i));
            long milli = profile.nodeMillicores(i);
            long mib = profile.nodeMemoryBytes(i) / LoadProfile.MIB;
            assertEquals(milli + "m", r[1], "node " + i + " cpu:\n" + out);
            assertEquals((milli * 100 / 8000) + "%", r[2], out);
            assertEquals(mib + "Mi", r[3], "node " + i + " memory:\n" + out);
            assertEquals((profile.nodeMemoryBytes(i) * 100 / LoadProfile.NODE_MEMORY_BYTES) + "%", r[4], out);
        }
    }

    @Test
    @Order(2)
    void kubectlTopPodAllNamespacesPrintsTheProfileFigures() throws Exception {
        String out = kubectl("top", "pod", "-A");
        Map<String, String[]> rows = rows(out, 2);
        assertEquals(NODES * PODS, rows.size(), out);
        LoadProfile profile = cluster.sim.profile();
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PODS; j++) {
                String[] r = rows.get(LoadProfile.namespace(j) + "/" + LoadProfile.podName(i, j));
                assertEquals(profile.podMillicores(i, j) + "m", r[2], out);
                assertEquals(profile.podMemoryBytes(j) / LoadProfile.MIB + "Mi", r[3], out);
            }
        }
    }

    @Test
    @Order(2)
    void kubectlTopAsksForProtobufAndGetsIt() throws Exception {
        // -v=8 logs kubectl's request and response headers; the table itself is checked above
        String out = kubectl("top", "pod", "-n", "sim-ns-1", "-v=8");
        List<String> lines = out.lines().toList();
        int request = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("GET https://") && lines.get(i).contains("/apis/metrics.k8s.io/v1beta1/namespaces/sim-ns-1/pods")) {
                request = i;
            }
        }
        assertTrue(request >= 0, "no pods request in kubectl's log:\n" + out);
        String after = String.join("\n", lines.subList(request, lines.size()));
        assertTrue(after.contains("Accept: application/vnd.kubernetes.protobuf"), "kubectl asked protobuf first:\n" + after);
        assertTrue(after.matches("(?s).*Content-Type: application/vnd\\.kubernetes\\.protobuf.*"),
                "the aggregator passed our protobuf answer on:\n" + after);
        assertTrue(out.contains("Response Body:") || out.contains("200 OK"), out);
    }

    @Test
    @Order(3)
    void kubectlTopPodContainersInOneNamespace() throws Exception {
        String out = kubectl("top", "pod", "-n", "sim-ns-1", "--containers");
        Map<String, String[]> rows = rows(out, 2);
        int expectedRows = 0;
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PODS; j++) {
                if (!LoadProfile.namespace(j).equals("sim-ns-1")) {
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    String[] r = rows.get(LoadProfile.podName(i, j) + "/" + LoadProfile.containerName(k));
                    assertEquals(LoadProfile.containerMillicores(i, j, k) + "m", r[2], out);
                    assertEquals(LoadProfile.containerMemoryBytes(j, k) / LoadProfile.MIB + "Mi", r[3], out);
                    expectedRows++;
                }
            }
        }
        assertEquals(expectedRows, rows.size(), out);
    }

    @Test
    @Order(4)
    void kubectlGetRawFollowsKubernetesConventions() throws Exception {
        JsonNode groups = SimulatedCluster.JSON.readTree(kubectl("get", "--raw", "/apis/metrics.k8s.io"));
        assertEquals("APIGroup", groups.get("kind").asText());
        JsonNode resources = SimulatedCluster.JSON.readTree(kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1"));
        assertEquals("APIResourceList", resources.get("kind").asText());
        assertEquals("metrics.k8s.io/v1beta1", resources.get("groupVersion").asText());
        JsonNode nodes = SimulatedCluster.JSON.readTree(kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"));
        assertEquals("NodeMetricsList", nodes.get("kind").asText());
        assertEquals("metrics.k8s.io/v1beta1", nodes.get("apiVersion").asText());
        JsonNode node = SimulatedCluster.JSON.readTree(kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/sim-node-1"));
        assertEquals("NodeMetrics", node.get("kind").asText());
        assertTrue(node.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), node.toString());
        assertTrue(node.get("window").asText().matches("[0-9.]+s"), node.toString());
        JsonNode pods = SimulatedCluster.JSON.readTree(kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/sim-ns-2/pods"));
        assertEquals("PodMetricsList", pods.get("kind").asText());
        List<String> names = new ArrayList<>();
        pods.get("items").forEach(p -> names.add(p.at("/metadata/name").asText()));
        assertEquals(names.stream().sorted().toList(), names, "sorted by name");
        JsonNode pod = SimulatedCluster.JSON.readTree(kubectl("get", "--raw",
                "/apis/metrics.k8s.io/v1beta1/namespaces/sim-ns-2/pods/sim-pod-0-2"));
        assertEquals("PodMetrics", pod.get("kind").asText());
        JsonNode selected = SimulatedCluster.JSON.readTree(kubectl("get", "--raw",
                "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dsim-app-1"));
        assertTrue(selected.get("items").size() > 0);
        selected.get("items").forEach(p -> assertEquals("sim-app-1", p.at("/metadata/labels/app").asText()));
    }

    @Test
    @Order(5)
    void errorsAreKubernetesStatusObjects() throws Exception {
        HttpResponse<String> missing = cluster.viaAggregator("/apis/metrics.k8s.io/v1beta1/nodes/no-such-node");
        assertEquals(404, missing.statusCode());
        JsonNode status = SimulatedCluster.JSON.readTree(missing.body());
        assertEquals("Status", status.get("kind").asText());
        assertEquals("NotFound", status.get("reason").asText());
        HttpResponse<String> watch = cluster.viaAggregator("/apis/metrics.k8s.io/v1beta1/nodes?watch=true");
        assertEquals(405, watch.statusCode(), watch.body());
        HttpResponse<String> badSelector = cluster.viaAggregator("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dx");
        assertEquals(400, badSelector.statusCode(), badSelector.body());
    }

    @Test
    @Order(6)
    void onlyTheFrontProxyCertificateMakesIdentityHeadersCount() throws Exception {
        Appliance a = cluster.appliance;
        String path = "/apis/metrics.k8s.io/v1beta1/nodes";
        assertEquals(401, a.get(path).statusCode(), "no credentials");
        assertEquals(401, a.get(TlsClients.client(null, null, null), path,
                "X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters").statusCode(), "forged headers without the front-proxy certificate");

        Path pki = cluster.sim.dir().resolve("pki");
        HttpClient frontProxy = TlsClients.client(null, pki.resolve("front-proxy-client.crt"), pki.resolve("front-proxy-client.key"));
        assertEquals(200, a.get(frontProxy, path, "X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters").statusCode());
        HttpResponse<String> denied = a.get(frontProxy, path, "X-Remote-User", "jane", "X-Remote-Group", "developers");
        assertEquals(403, denied.statusCode(), denied.body());
        assertTrue(denied.body().contains("User \\\"jane\\\" cannot list resource \\\"nodes\\\" in API group \\\"metrics.k8s.io\\\""), denied.body());

        HttpClient forged = TlsClients.foreignClient("front-proxy-client");
        assertEquals(401, a.get(forged, path, "X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters").statusCode(),
                "a front-proxy-client certificate from an unknown CA does not make the headers trusted");
        // a cluster-CA client certificate authenticates as itself (client-ca-file), never as the headers it sends
        HttpClient viewerCert = TlsClients.client(null, pki.resolve("appliance.crt"), pki.resolve("appliance.key"));
        HttpResponse<String> asItself = a.get(viewerCert, path, "X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters");
        assertEquals(403, asItself.statusCode(), asItself.body());
        assertTrue(asItself.body().contains("system:kube-metrics-appliance"), asItself.body());
        assertEquals(200, a.status("/livez"), "health paths need no credentials");
    }

    @Test
    @Order(7)
    void replacingTheApiBundleUnderLoadLosesNoRequest() throws Exception {
        String bsn = "io.kma.metrics.api";
        Bundle original = cluster.appliance.bundle(bsn);
        Version next = new Version(original.getVersion().getMajor(), original.getVersion().getMinor(),
                original.getVersion().getMicro() + 1, "swap");
        Path source = Files.list(Appliance.distribution().resolve("bundles"))
                .filter(p -> p.getFileName().toString().startsWith(bsn + "-")).findFirst().orElseThrow();
        List<Integer> statuses = new ArrayList<>();
        boolean swapped = false;
        int afterSwap = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        for (int i = 0; i < 2000 && System.nanoTime() < deadline; i++) {
            if (i == 10) {
                FrameworkTest.withVersion(source, cluster.appliance.deployDir().resolve(bsn + "-" + next + ".jar"), next);
            }
            statuses.add(cluster.viaAggregator("/apis/metrics.k8s.io/v1beta1/nodes").statusCode());
            swapped = cluster.appliance.bundles().stream()
                    .anyMatch(b -> bsn.equals(b.getSymbolicName()) && b.getVersion().equals(next) && b.getState() == Bundle.ACTIVE)
                    && original.getState() == Bundle.UNINSTALLED;
            if (swapped && ++afterSwap >= 20) {
                break;
            }
        }
        assertTrue(swapped, "the new metrics-api bundle is serving");
        assertEquals(List.of(), statuses.stream().filter(s -> s != 200).toList(), "every request answered 200 across the swap");
    }
}
