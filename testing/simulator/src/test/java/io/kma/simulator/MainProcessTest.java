package io.kma.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract: ready line, properties file, SIGTERM stops it. */
class MainProcessTest {
    @TempDir
    Path dir;

    @Test
    void printsReadyWritesPropertiesAndStopsOnSigterm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.kma.simulator.Main",
                "--dir", dir.toString(), "--nodes", "2", "--pods-per-node", "3", "--exit-with-parent"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String ready = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
                    if (line.startsWith("simulator ready: ")) {
                        ready = line;
                        break;
                    }
                }
                Properties props = SimClients.properties(dir);
                assertEquals("simulator ready: " + props.getProperty("apiserver.url"), ready);
                assertTrue(props.getProperty("apiserver.url").startsWith("https://127.0.0.1:"));
                assertEquals("2", props.getProperty("nodes"));
                assertEquals("3", props.getProperty("pods.per.node"));
                assertEquals("2", props.getProperty("containers.per.pod"));
                assertEquals(Long.toString(p.pid()), props.getProperty("pid"));
                // a kubelet of the process (Go-speed crypto on by default: Bouncy Castle signs its CertificateVerify
                // and does its x25519) and this JVM's JDK client, which verifies as the appliance does
                String[] kubelet = Files.readAllLines(Path.of(props.getProperty("kubelet.list"))).get(1).split(" ");
                TestHttp.Response scrape = TestHttp.request("GET", "https://" + kubelet[1] + ":" + kubelet[2]
                        + "/metrics/resource", TestHttp.tls(dir, "apiserver-kubelet-client"), TestHttp.dnsName(kubelet[0]),
                        Map.of(), null);
                assertEquals(200, scrape.code());
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
                System.out.println("simulator exit code after SIGTERM: " + p.exitValue());
                assertFalse(p.isAlive());
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
