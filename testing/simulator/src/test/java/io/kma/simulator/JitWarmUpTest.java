package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JitWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void aWarmedUpSimulatorIsReadyAndStillServesItsKubelets() throws Exception {
        try (Simulator sim = Simulator.start(SimulatorOptions.builder(dir).nodes(3).podsPerNode(2).warmUp(true).build())) {
            assertTrue(Files.exists(dir.resolve("simulator.properties")), "ready after the warm-up");
            TestHttp.Response r = TestHttp.request("GET", "https://127.0.0.1:" + sim.kubeletAddress(2).getPort()
                    + "/metrics/resource", TestHttp.tls(dir, "apiserver-kubelet-client"),
                    TestHttp.dnsName(LoadProfile.nodeName(2)), java.util.Map.of(), null);
            assertEquals(200, r.code());
        }
    }

    @Test
    void aKubeletThatFailsTheWarmUpIsNamedByCount() throws Exception {
        try (Simulator sim = Simulator.start(SimulatorOptions.builder(dir).nodes(3).podsPerNode(2).build())) {
            sim.faults().set(LoadProfile.nodeName(1), FaultMode.HTTP_500);
            IOException e = assertThrows(IOException.class, () -> JitWarmUp.run(sim, dir, 10));
            assertEquals("warm-up: 1 of 3 kubelets did not answer 200", e.getMessage());
        }
    }
}
