package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script as an operator runs it: a real process, real signals, real exit codes. */
class CliTest {

    @TempDir
    Path work;

    private Process launch(Path output, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("KMA_STATE_DIR", work.resolve("state").toString());
        return pb.start();
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... args) throws Exception {
        Path out = Files.createTempFile(work, "out", ".log");
        Process p = launch(out, args);
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process did not finish: " + List.of(args));
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    @Test
    void versionAndHelp() throws Exception {
        Result version = run("version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().strip().matches("kube-metrics-appliance \\S+"), version.output());
        Result help = run("help");
        assertEquals(0, help.exit(), help.output());
        assertTrue(help.output().contains("run"), help.output());
    }

    @Test
    void unknownArgumentsPrintUsageAndExit2() throws Exception {
        Result r = run("frobnicate");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().toLowerCase().contains("usage"), r.output());
        Result r2 = run("run", "--bogus");
        assertEquals(2, r2.exit(), r2.output());
    }

    @Test
    void brokenConfigGivesOneLineNamingTheKeyAndExitsNonZero() throws Exception {
        Path config = work.resolve("broken.yaml");
        Files.writeString(config, "metricResolution: 15s\nkubelet:\n  requestTimeout: 10x\n");
        Result r = run("run", "--config", config.toString());
        assertNotEquals(0, r.exit(), r.output());
        String line = r.output().lines().filter(l -> l.contains("kubelet.requestTimeout")).findFirst()
                .orElseThrow(() -> new AssertionError("no line names kubelet.requestTimeout:\n" + r.output()));
        assertTrue(line.contains("3"), "the line number (3) is named: " + line);
        assertTrue(r.output().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + r.output());
    }

    @Test
    void runServesLivezWithSelfSignedCertificateAndStopsOnSigterm() throws Exception {
        int port = Appliance.freePort();
        Path config = work.resolve("config.yaml");
        Files.writeString(config, """
                kubeconfig: %s/absent.kubeconfig
                server:
                  bindAddress: 127.0.0.1
                  securePort: %d
                  certDir: %s/certs
                """.formatted(work, port, work));
        Path out = work.resolve("run.log");
        long t0 = System.nanoTime();
        Process p = launch(out, "run", "--config", config.toString());
        try {
            var client = TlsClients.client(null, null, null);
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + port + "/livez"))
                    .timeout(Duration.ofSeconds(2)).build();
            long served = -1;
            for (int i = 0; i < 300 && served < 0; i++) {
                try {
                    if (client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        served = System.nanoTime();
                    }
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
                assertTrue(p.isAlive(), () -> "appliance exited: " + read(out));
            }
            assertTrue(served > 0, () -> "/livez never answered 200:\n" + read(out));
            System.out.printf("start to first /livez 200: %d ms%n", (served - t0) / 1_000_000);
            assertTrue(Files.exists(work.resolve("certs/apiserver.crt")));

            long t1 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "no exit 10 s after SIGTERM:\n" + read(out));
            System.out.printf("SIGTERM to exit: %d ms, exit code %d%n", (System.nanoTime() - t1) / 1_000_000, p.exitValue());
            assertEquals(0, p.exitValue(), "SIGTERM is a graceful stop: exit code " + p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
