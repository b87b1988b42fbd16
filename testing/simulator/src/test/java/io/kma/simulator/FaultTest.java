package io.kma.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultTest {
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(2).podsPerNode(3).slowMillis(1500).build());
        tls = TestHttp.tls(dir, "apiserver-kubelet-client");
    }

    @AfterEach
    void clear() {
        sim.faults().clearAll();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static HttpsURLConnection open(int readTimeoutMs) throws IOException {
        HttpsURLConnection c = TestHttp.open("https://127.0.0.1:" + sim.kubeletAddress(1).getPort() + "/metrics/resource", tls,
                TestHttp.dnsName("sim-node-1"), Map.of());
        c.setReadTimeout(readTimeoutMs);
        return c;
    }

    static int code() throws IOException {
        return open(5000).getResponseCode();
    }

    @Test
    void statusFaults() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.HTTP_500);
        assertEquals(500, code());
        sim.faults().set("sim-node-1", FaultMode.HTTP_401);
        assertEquals(401, code());
        sim.faults().set("sim-node-1", FaultMode.HTTP_403);
        assertEquals(403, code());
        sim.faults().set("sim-node-1", FaultMode.NONE);
        assertEquals(200, code());
        // other nodes are unaffected
        sim.faults().set("sim-node-0", FaultMode.HTTP_500);
        assertEquals(200, code());
    }

    @Test
    void timeoutNeverAnswers() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.TIMEOUT);
        HttpsURLConnection c = open(700);
        assertThrows(SocketTimeoutException.class, c::getResponseCode);
        c.disconnect();
    }

    @Test
    void slowAnswersLate() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.SLOW);
        HttpsURLConnection early = open(300);
        assertThrows(SocketTimeoutException.class, early::getResponseCode);
        early.disconnect();
        long t0 = System.nanoTime();
        assertEquals(200, open(5000).getResponseCode());
        System.out.printf("slow fault answered after %d ms (configured 1500)%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void resetClosesWithoutAnswer() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.RESET);
        assertThrows(IOException.class, () -> open(5000).getResponseCode());
    }

    @Test
    void garbageIsNotPrometheus() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.GARBAGE);
        HttpsURLConnection c = open(5000);
        assertEquals(200, c.getResponseCode());
        String body = new String(c.getInputStream().readAllBytes());
        assertTrue(body.contains("\u0000"));
        assertFalse(body.contains("# TYPE"));
    }

    @Test
    void hugeStreams50MiB() throws Exception {
        sim.faults().set("sim-node-1", FaultMode.HUGE);
        HttpsURLConnection c = open(10000);
        assertEquals(200, c.getResponseCode());
        long t0 = System.nanoTime();
        long total = 0;
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = c.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0 && total <= KubeletHandler.HUGE_BYTES; ) {
                total += n;
            }
        }
        assertEquals(50L * 1024 * 1024, total);
        System.out.printf("huge fault: %d bytes in %d ms%n", total, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void cliAndAdminApiSetFaults() throws Exception {
        assertEquals(0, Main.subcommand("fault", new ArrayDeque<>(List.of("--dir", dir.toString(), "--node", "sim-node-1", "--mode", "403"))));
        assertEquals(FaultMode.HTTP_403, sim.faults().get("sim-node-1"));
        assertEquals(403, code());
        assertEquals(0, Main.subcommand("fault", new ArrayDeque<>(List.of("--dir", dir.toString(), "--node", "sim-node-1", "--mode", "none"))));
        assertEquals(200, code());
        assertEquals(1, Main.subcommand("fault", new ArrayDeque<>(List.of("--dir", dir.toString(), "--node", "sim-node-9", "--mode", "slow"))));
        assertThrows(IllegalArgumentException.class, () -> FaultMode.parse("sideways"));
    }
}
