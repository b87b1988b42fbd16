package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.simulator.MarkerBundle;

/**
 * What the real distribution loads from its deploy directory: a jar only its owner may write is hot-deployed, a
 * jar others may write is refused with one log line, and {@code doctor} (run as root) never reads the directory.
 */
class DeployTrustTest {

    @TempDir
    Path work;

    static final String CONFIG = """
            server:
              bindAddress: 127.0.0.1
              securePort: %d
              certDir: %s/certs
            """;

    @Test
    void aPrivateJarIsLoadedAndAJarOthersMayWriteIsRefused() throws Exception {
        Path marker = work.resolve("loaded.marker");
        Path deploy = work.resolve("appliance/deploy");
        MarkerBundle.write(deploy, "marker", marker);
        int port = Appliance.freePort();
        try (Appliance a = Appliance.start(work.resolve("appliance"), port, CONFIG.formatted(port, work))) {
            Appliance.await("the deployed marker bundle runs", Duration.ofSeconds(30), () -> Files.exists(marker));
        }

        Files.delete(marker);
        Path planted = MarkerBundle.write(work.resolve("appliance2/deploy"), "planted", marker);
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-rw-rw-"));
        int port2 = Appliance.freePort();
        String log = SimulatedCluster.capturingStdout(() -> {
            try (Appliance a = Appliance.start(work.resolve("appliance2"), port2, CONFIG.formatted(port2, work))) {
                Thread.sleep(3_000); // File Install polls every second: three chances to load it
            }
        });
        assertFalse(Files.exists(marker), "a jar others may write was loaded");
        assertEquals(1, log.lines().filter(l -> l.contains("refusing deploy/planted.jar: ")).count(), log);
        assertTrue(log.contains("0666: it must belong to"), log);
    }

    @Test
    void doctorNeverReadsTheDeployDirectory() throws Exception {
        Path marker = work.resolve("doctor.marker");
        Path deploy = work.resolve("deploy");
        MarkerBundle.write(deploy, "marker", marker);
        ProcessBuilder pb = new ProcessBuilder(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString(),
                "doctor", "--apiserver-manifest", work.resolve("none.yaml").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("doctor.log").toFile());
        pb.environment().put("KMA_DEPLOY_DIR", deploy.toString());
        pb.environment().put("KMA_STATE_DIR", work.resolve("state").toString());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "doctor did not finish");
        } finally {
            p.destroyForcibly();
        }
        String report = Files.readString(work.resolve("doctor.log"));
        assertTrue(report.lines().anyMatch(l -> l.startsWith("doctor: ")), "doctor ran to its summary:\n" + report);
        assertFalse(Files.exists(marker), "doctor loaded a bundle from the deploy directory");
    }
}
