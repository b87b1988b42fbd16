package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.simulator.SimClients;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/**
 * The cluster simulator (apiserver, aggregator front, kubelets) and the appliance wired to it as an
 * operator would wire them: the appliance's kubeconfig, the cluster CA for kubelets, the kubelet
 * client certificate and the front-proxy CA all come from the simulator's files.
 */
final class SimulatedCluster implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Simulator sim;
    final Appliance appliance;
    final HttpClient admin;
    private final Path work;
    private final int port;

    private SimulatedCluster(Simulator sim, Appliance appliance, Path work, int port) throws IOException {
        this.sim = sim;
        this.appliance = appliance;
        this.work = work;
        this.port = port;
        this.admin = SimClients.admin(sim.dir());
    }

    static SimulatedCluster start(Path work, int nodes, int podsPerNode) throws Exception {
        return start(work, nodes, podsPerNode, b -> b, "");
    }

    /** With simulator options changed by {@code simulator} and {@code kubeletExtra} under the appliance's kubelet key. */
    static SimulatedCluster start(Path work, int nodes, int podsPerNode,
            java.util.function.UnaryOperator<SimulatorOptions.Builder> simulator, String kubeletExtra) throws Exception {
        int port = Appliance.freePort();
        Simulator sim = Simulator.start(simulator.apply(SimulatorOptions.builder(work.resolve("sim")).nodes(nodes)
                .podsPerNode(podsPerNode).applianceUrl(URI.create("https://127.0.0.1:" + port)).slowMillis(1000)).build());
        try {
            Appliance appliance = Appliance.start(work.resolve("appliance"), port, config(sim.dir(), work, port, kubeletExtra));
            return new SimulatedCluster(sim, appliance, work, port);
        } catch (Exception | Error e) {
            sim.close();
            throw e;
        }
    }

    /** The appliance configuration for this simulator; {@code kubeletExtra} is inserted under {@code kubelet:}. */
    static String config(Path simDir, Path work, int port, String kubeletExtra) {
        return """
                kubeconfig: %1$s/appliance.kubeconfig
                metricResolution: 5s
                server:
                  bindAddress: 127.0.0.1
                  securePort: %2$d
                  certDir: %3$s/certs
                kubelet:
                  requestTimeout: 3s
                  useNodeStatusPort: true
                  preferredAddressTypes: [InternalIP, Hostname]
                  certificateAuthority: %1$s/pki/ca.crt
                %4$s
                authentication:
                  requestheaderClientCAFile: %1$s/pki/front-proxy-ca.crt
                  requestheaderAllowedNames: [front-proxy-client]
                registration:
                  advertiseAddress: 127.0.0.1
                  allowLoopback: true
                """.formatted(simDir, port, work, kubeletExtra.indent(2).stripTrailing());
    }

    /** Rewrites the appliance's config file; the config bundle applies it without a restart. */
    void reconfigure(String kubeletExtra) throws IOException {
        Path file = appliance.workDir().resolve("config.yaml");
        Path tmp = work.resolve("config.yaml.tmp");
        Files.writeString(tmp, config(sim.dir(), work, port, kubeletExtra));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** GET through the simulator's aggregator front as kubernetes-admin, like kubectl. */
    HttpResponse<String> viaAggregator(String path) throws IOException, InterruptedException {
        return admin.send(HttpRequest.newBuilder(sim.apiserverUrl().resolve(path)).timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = viaAggregator(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " → " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Waits (bounded) until the API serves metrics for every node and every pod of the simulator. */
    void awaitAllMetrics() throws InterruptedException {
        int nodes = sim.profile().nodes();
        int pods = nodes * sim.profile().podsPerNode();
        Appliance.await("metrics for all " + nodes + " nodes and " + pods + " pods", Duration.ofSeconds(45), () -> {
            try {
                return json("/apis/metrics.k8s.io/v1beta1/nodes").get("items").size() == nodes
                        && json("/apis/metrics.k8s.io/v1beta1/pods").get("items").size() == pods;
            } catch (Exception | AssertionError e) {
                return false;
            }
        });
    }

    /** Runs the real kubectl as the simulator's admin; fails on a non-zero exit, skips loudly without kubectl. */
    String kubectl(String... args) throws Exception {
        return kubectl(sim.dir(), work, args);
    }

    /** {@link #kubectl(String...)} for any simulator directory, with its cache under {@code work}. */
    static String kubectl(Path simDir, Path work, String... args) throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (!Files.isExecutable(kubectl)) {
            kubectl = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                    .map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        }
        assumeTrue(kubectl != null, "SKIPPED LOUDLY: kubectl is not installed on this machine, the kubectl end-to-end checks cannot run");
        List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", simDir.resolve("admin.kubeconfig").toString(),
                "--cache-dir", work.resolve("kube-cache").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "kubectl", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl " + List.of(args) + " did not finish");
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), "kubectl " + String.join(" ", args) + ":\n" + output);
        return output;
    }

    /** Runs {@code body} while copying everything written to System.out (where the appliance logs). */
    static String capturingStdout(ThrowingRunnable body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Nanocores or bytes of a canonical Kubernetes quantity ("120m", "123456n", "12240Ki", "1"). */
    static long quantity(String q, boolean cpu) {
        String[][] suffixes = cpu
                ? new String[][] {{"n", "1"}, {"u", "1000"}, {"m", "1000000"}, {"", "1000000000"}}
                : new String[][] {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"", "1"}};
        for (String[] s : suffixes) {
            if (!s[0].isEmpty() && q.endsWith(s[0])) {
                return Long.parseLong(q.substring(0, q.length() - s[0].length())) * Long.parseLong(s[1]);
            }
        }
        return Long.parseLong(q) * Long.parseLong(suffixes[suffixes.length - 1][1]);
    }

    @Override
    public void close() {
        try {
            appliance.close();
        } finally {
            sim.close();
        }
    }
}
