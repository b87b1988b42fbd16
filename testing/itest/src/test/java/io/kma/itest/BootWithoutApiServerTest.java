package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/**
 * Boot order: the real script under a stand-in for systemd-notify, with kube-apiserver down (its port closed).
 * READY=1 must come once the endpoint serves, and the metrics API must answer 503 with a Status saying why,
 * instead of the start waiting for a scrape that cannot happen.
 */
class BootWithoutApiServerTest {

    @TempDir
    Path work;

    @Test
    void readyWhileKubeApiserverIsDownAndTheApiSays503() throws Exception {
        Path simDir = work.resolve("sim");
        Simulator.start(SimulatorOptions.builder(simDir).nodes(1).podsPerNode(1).build()).close();
        int deadPort = Appliance.freePort();
        String kubeconfig = Files.readString(simDir.resolve("appliance.kubeconfig"))
                .replaceAll("server: \\S+", "server: https://127.0.0.1:" + deadPort);
        Path kubeconfigFile = Files.writeString(work.resolve("down.kubeconfig"), kubeconfig);
        int port = Appliance.freePort();
        Path config = Files.writeString(work.resolve("config.yaml"), """
                kubeconfig: %1$s
                server:
                  bindAddress: 127.0.0.1
                  securePort: %2$d
                  certDir: %3$s/certs
                kubelet:
                  certificateAuthority: %4$s/pki/ca.crt
                authentication:
                  requestheaderClientCAFile: %4$s/pki/front-proxy-ca.crt
                  requestheaderAllowedNames: [front-proxy-client]
                """.formatted(kubeconfigFile, port, work, simDir));
        Path notified = work.resolve("notified.txt");
        Path notify = work.resolve("systemd-notify");
        Files.writeString(notify, "#!/bin/sh\necho \"$@\" >> '" + notified + "'\n");
        Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString(),
                "run", "--config", config.toString()).redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile());
        pb.environment().put("NOTIFY_SOCKET", work.resolve("notify.sock").toString());
        pb.environment().put("KMA_STATE_DIR", work.resolve("state").toString());
        pb.environment().put("KMA_DEPLOY_DIR", work.resolve("deploy").toString());
        pb.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dkma.systemd.notify=" + notify);
        Process p = pb.start();
        try {
            Appliance.await("READY=1 with kube-apiserver down", Duration.ofSeconds(60), () -> {
                try {
                    return Files.exists(notified) && Files.readString(notified).contains("--ready");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            String lines = Files.readString(notified);
            assertTrue(lines.contains("--ready --status=serving metrics.k8s.io"), lines);

            HttpClient frontProxy = TlsClients.client(null, simDir.resolve("pki/front-proxy-client.crt"),
                    simDir.resolve("pki/front-proxy-client.key"));
            HttpResponse<String> nodes = frontProxy.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/apis/metrics.k8s.io/v1beta1/nodes"))
                    .headers("X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, nodes.statusCode(), nodes.body());
            JsonAssert.status(nodes.body(), "ServiceUnavailable", "no metrics yet: the first scrape of the kubelets has not completed");
            HttpResponse<String> readyz = frontProxy.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // k8s.io/apiserver answers a failed /readyz with 500
            assertEquals(500, readyz.statusCode(), "not ready for traffic until metrics exist: " + readyz.body());
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(0, p.exitValue(), "SIGTERM is a graceful stop: " + Files.readString(work.resolve("run.log")));
    }

    /** Minimal checks of a Kubernetes Status body. */
    static final class JsonAssert {
        static void status(String body, String reason, String messageStart) throws Exception {
            var n = SimulatedCluster.JSON.readTree(body);
            assertEquals(List.of("Status", reason, 503), List.of(n.path("kind").asText(), n.path("reason").asText(),
                    n.path("code").asInt()), body);
            assertTrue(n.path("message").asText().startsWith(messageStart), body);
        }
    }
}
