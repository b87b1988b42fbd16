package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code --namespaces}: the cluster's pods dealt over that many namespaces (scale.sh's NAMESPACES). */
class NamespacesTest {
    static final ObjectMapper M = new ObjectMapper();

    @Test
    void podsAreSpreadOverTheGivenNamespaces(@TempDir Path dir) throws Exception {
        SimulatorOptions options = Main.parse(new ArrayDeque<>(List.of("--dir", dir.toString(), "--nodes", "2",
                "--pods-per-node", "10", "--namespaces", "7")));
        assertEquals(7, options.namespaces());
        try (Simulator sim = Simulator.start(options)) {
            SSLContext appliance = TestHttp.tls(dir, "appliance");
            String api = sim.apiserverUrl().toString();
            TestHttp.Response pods = TestHttp.get(api + "/api/v1/pods", appliance, Map.of());
            assertEquals(200, pods.code(), pods.body());
            Set<String> seen = new TreeSet<>();
            for (JsonNode p : M.readTree(pods.body()).get("items")) {
                String[] name = p.at("/metadata/name").asText().split("-"); // sim-pod-<node>-<j>
                int i = Integer.parseInt(name[2]);
                int j = Integer.parseInt(name[3]);
                assertEquals("sim-ns-" + ((i * 10 + j) % 7), p.at("/metadata/namespace").asText(), String.join("-", name));
                seen.add(p.at("/metadata/namespace").asText());
            }
            assertEquals(7, seen.size());
            TestHttp.Response ns = TestHttp.get(api + "/api/v1/namespaces", appliance, Map.of());
            assertEquals(200, ns.code(), ns.body());
            assertEquals(9, M.readTree(ns.body()).get("items").size()); // default, kube-system and the 7
            assertEquals(200, TestHttp.get(api + "/api/v1/namespaces/sim-ns-6", appliance, Map.of()).code());
            assertEquals(404, TestHttp.get(api + "/api/v1/namespaces/sim-ns-7", appliance, Map.of()).code());
        }
    }

    @Test
    void theDefaultLayoutIsPodIndexModuloFive() {
        LoadProfile profile = new LoadProfile(3, 7, 2);
        assertEquals(5, profile.namespaceCount());
        assertEquals("sim-ns-3", profile.namespace(2, 3));
        assertEquals("sim-ns-1", profile.namespace(0, 6));
        LoadProfile dealt = new LoadProfile(3, 7, 2, 4);
        assertEquals(4, dealt.namespaceCount());
        assertEquals("sim-ns-1", dealt.namespace(2, 3)); // pod 17 of the cluster
    }

    @Test
    void negativeOrTooManyNamespacesAreRefused(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.parse(new ArrayDeque<>(
                List.of("--dir", dir.toString(), "--namespaces", "-1"))));
        assertEquals("need nodes >= 1, pods-per-node >= 0, containers-per-pod >= 1, namespaces >= 0", e.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> Main.parse(new ArrayDeque<>(
                List.of("--dir", dir.toString(), "--namespaces", "1000000000"))));
        assertEquals("need namespaces <= 100000 (Kubernetes tests 10,000), not 1000000000", tooMany.getMessage());
    }
}
