package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopbackIpsTest {
    @TempDir
    Path dir;

    @Test
    void eachKubeletOnItsOwnLoopbackAddressAtTheKubeletPort() throws Exception {
        // a random 127.x.y.0 base so parallel runs on this machine do not collide on :10250
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String base = "127." + r.nextInt(2, 250) + "." + r.nextInt(0, 250) + ".0";
        String prefix = base.substring(0, base.length() - 1);
        SimulatorOptions o = SimulatorOptions.builder(dir).nodes(2).podsPerNode(2)
                .kubeletMode(SimulatorOptions.KubeletMode.LOOPBACK_IPS).kubeletIpBase(base).kubeletCertIpSans(true).build();
        try (Simulator sim = Simulator.start(o)) {
            JsonNode node = new ObjectMapper().readTree(TestHttp.get(sim.apiserverUrl() + "/api/v1/nodes/sim-node-1",
                    TestHttp.tls(dir, "appliance"), Map.of()).body());
            JsonNode internal = null;
            for (JsonNode a : node.at("/status/addresses")) {
                if (a.get("type").asText().equals("InternalIP")) {
                    internal = a.get("address");
                }
            }
            assertEquals(prefix + "2", internal.asText());
            assertEquals(10250, node.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt());
            // with --kubelet-cert-ip-sans the standard hostname check on the IP passes
            TestHttp.Response resp = TestHttp.request("GET", "https://" + prefix + "2:10250/metrics/resource",
                    TestHttp.tls(dir, "apiserver-kubelet-client"), null, Map.of(), null);
            assertEquals(200, resp.code());
            assertTrue(resp.body().contains("pod=\"sim-pod-1-0\""));
        }
    }
}
