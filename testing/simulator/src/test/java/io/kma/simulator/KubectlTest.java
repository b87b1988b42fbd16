package io.kma.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real kubectl against the simulator; skipped only when kubectl is not installed. */
class KubectlTest {
    @TempDir
    static Path dir;
    static Simulator sim;
    static String kubectl;

    @BeforeAll
    static void start() throws Exception {
        kubectl = findKubectl();
        Assumptions.assumeTrue(kubectl != null, "kubectl not found on PATH or at /usr/bin/kubectl: skipping the real-client tests");
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(3).podsPerNode(4).build());
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static String findKubectl() {
        List<Path> candidates = new ArrayList<>();
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p, "kubectl"));
            }
        }
        candidates.add(Path.of("/usr/bin/kubectl"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElse(null);
    }

    record Result(int exit, String out) {
    }

    static Result run(String kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", dir.resolve(kubeconfig).toString(), "--request-timeout=20s"));
        cmd.addAll(List.of(args));
        // its own cache dir, so discovery is fetched from this simulator and not from an old one
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void getNodes() throws Exception {
        Result r = run("admin.kubeconfig", "--cache-dir", dir.resolve("kcache").toString(), "get", "nodes");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("sim-node-0   Ready    control-plane"), r.out());
        assertTrue(r.out().contains("sim-node-2   Ready    <none>"), r.out());
    }

    @Test
    void getRawPods() throws Exception {
        Result r = run("admin.kubeconfig", "get", "--raw", "/api/v1/namespaces/sim-ns-1/pods");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("\"kind\":\"PodList\""), r.out());
        assertTrue(r.out().contains("\"name\":\"sim-pod-2-1\""), r.out());
    }

    @Test
    void viewerIsForbiddenOnNodesButListsPods() throws Exception {
        Result nodes = run("viewer.kubeconfig", "--cache-dir", dir.resolve("vcache").toString(), "get", "nodes");
        assertEquals(1, nodes.exit(), nodes.out());
        assertTrue(nodes.out().contains("User \"jane\" cannot list resource \"nodes\""), nodes.out());
        Result pods = run("viewer.kubeconfig", "--cache-dir", dir.resolve("vcache").toString(), "get", "pods", "-n", "sim-ns-2");
        assertEquals(0, pods.exit(), pods.out());
        assertTrue(pods.out().contains("sim-pod-0-2"), pods.out());
    }

    /** NodeMetricsList / PodMetricsList JSON with exactly the profile's figures, as a correct appliance would serve. */
    static String nodeMetrics(LoadProfile p) {
        StringBuilder sb = new StringBuilder("{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[");
        for (int i = 0; i < p.nodes(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"metadata\":{\"name\":\"").append(LoadProfile.nodeName(i))
                    .append("\"},\"timestamp\":\"2026-11-25T15:00:00Z\",\"window\":\"15s\",\"usage\":{\"cpu\":\"")
                    .append(p.nodeMillicores(i)).append("m\",\"memory\":\"").append(p.nodeMemoryBytes(i) / 1024).append("Ki\"}}");
        }
        return sb.append("]}").toString();
    }

    static String podMetrics(LoadProfile p, String namespace) {
        StringBuilder sb = new StringBuilder("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[");
        boolean first = true;
        for (int i = 0; i < p.nodes(); i++) {
            for (int j = 0; j < p.podsPerNode(); j++) {
                if (!LoadProfile.namespace(j).equals(namespace)) {
                    continue;
                }
                sb.append(first ? "" : ",").append("{\"metadata\":{\"name\":\"").append(LoadProfile.podName(i, j)).append("\",\"namespace\":\"")
                        .append(namespace).append("\"},\"timestamp\":\"2026-11-25T15:00:00Z\",\"window\":\"15s\",\"containers\":[");
                first = false;
                for (int k = 0; k < p.containersPerPod(); k++) {
                    sb.append(k == 0 ? "" : ",").append("{\"name\":\"c").append(k).append("\",\"usage\":{\"cpu\":\"")
                            .append(LoadProfile.containerMillicores(i, j, k)).append("m\",\"memory\":\"")
                            .append(LoadProfile.containerMemoryBytes(j, k) / 1024).append("Ki\"}}");
                }
                sb.append("]}");
            }
        }
        return sb.append("]}").toString();
    }

    @Test
    void topThroughTheAggregatorShowsTheBackendsFigures() throws Exception {
        LoadProfile p = sim.profile();
        try (FakeAppliance app = new FakeAppliance(sim.frontProxyCaCertificate())) {
            app.bodies.put("/apis/metrics.k8s.io/v1beta1/nodes", nodeMetrics(p));
            app.bodies.put("/apis/metrics.k8s.io/v1beta1/namespaces/sim-ns-1/pods", podMetrics(p, "sim-ns-1"));
            sim.registerAppliance(app.url);
            assertTrue(sim.registration().checkNow());
            String cache = dir.resolve("topcache").toString();
            Result nodes = run("admin.kubeconfig", "--cache-dir", cache, "top", "node");
            assertEquals(0, nodes.exit(), nodes.out());
            // node 1: containers + system share; kubectl prints millicores and MiB, % of 8 cores / 32 GiB
            String n1 = nodes.out().lines().filter(l -> l.startsWith("sim-node-1 ")).findFirst().orElseThrow();
            assertTrue(n1.matches("sim-node-1\\s+" + p.nodeMillicores(1) + "m\\s+" + (p.nodeMillicores(1) * 100 / 8000) + "%\\s+"
                    + p.nodeMemoryBytes(1) / LoadProfile.MIB + "Mi\\s+\\d+%\\s*"), n1);
            Result pods = run("admin.kubeconfig", "--cache-dir", cache, "top", "pod", "-n", "sim-ns-1", "--containers");
            assertEquals(0, pods.exit(), pods.out());
            String c1 = pods.out().lines().filter(l -> l.startsWith("sim-pod-2-1 ") && l.contains(" c1 ")).findFirst().orElseThrow();
            assertTrue(c1.matches("sim-pod-2-1\\s+c1\\s+" + LoadProfile.containerMillicores(2, 1, 1) + "m\\s+"
                    + LoadProfile.containerMemoryBytes(1, 1) / LoadProfile.MIB + "Mi\\s*"), c1);
            FakeAppliance.Seen s = app.last();
            assertEquals(List.of("kubernetes-admin"), s.headers().get("X-Remote-User"));
            assertEquals(List.of("system:masters", "system:authenticated"), s.headers().get("X-Remote-Group"));
            System.out.println("kubectl top node through the simulator:\n" + nodes.out() + "kubectl top pod -n sim-ns-1 --containers:\n" + pods.out());
        } finally {
            sim.registerAppliance(null);
        }
    }

    @Test
    void topWithoutApplianceSaysMetricsApiNotAvailable() throws Exception {
        Result r = run("admin.kubeconfig", "--cache-dir", dir.resolve("tcache").toString(), "top", "node");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("Metrics API not available"), r.out());
    }
}
