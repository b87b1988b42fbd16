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

    @Test
    void topWithoutApplianceSaysMetricsApiNotAvailable() throws Exception {
        Result r = run("admin.kubeconfig", "--cache-dir", dir.resolve("tcache").toString(), "top", "node");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("Metrics API not available"), r.out());
    }
}
