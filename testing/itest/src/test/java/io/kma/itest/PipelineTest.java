package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.simulator.FaultMode;
import io.kma.simulator.LoadProfile;

/**
 * The scrape pipeline against the cluster simulator over real HTTPS with real credentials: the
 * figures equal the simulator's load profile, restarts never produce negative or spiked rates, a
 * faulty kubelet costs only its own node, and strategies are swapped while running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {

    static final int NODES = 10;
    static final int PODS = 4;

    @TempDir
    static Path work;
    static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start(work, NODES, PODS);
        cluster.appliance.awaitStatus("/livez", 200, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void healAll() {
        cluster.sim.faults().clearAll();
    }

    static Map<String, JsonNode> nodeItems() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode item : cluster.json("/apis/metrics.k8s.io/v1beta1/nodes").get("items")) {
            out.put(item.at("/metadata/name").asText(), item);
        }
        return out;
    }

    static Map<String, JsonNode> podItems() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode item : cluster.json("/apis/metrics.k8s.io/v1beta1/pods").get("items")) {
            out.put(item.at("/metadata/name").asText(), item);
        }
        return out;
    }

    static void awaitAllNodes() throws InterruptedException {
        cluster.awaitAllMetrics();
    }

    @Test
    @Order(1)
    void figuresEqualTheLoadProfileAfterTwoCycles() throws Exception {
        awaitAllNodes();
        LoadProfile profile = cluster.sim.profile();
        Map<String, JsonNode> nodes = nodeItems();
        for (int i = 0; i < NODES; i++) {
            JsonNode n = nodes.get(LoadProfile.nodeName(i));
            long cpu = SimulatedCluster.quantity(n.at("/usage/cpu").asText(), true);
            long mem = SimulatedCluster.quantity(n.at("/usage/memory").asText(), false);
            assertWithinOnePercent(profile.nodeMillicores(i) * 1_000_000L, cpu, "node " + i + " cpu");
            assertEquals(profile.nodeMemoryBytes(i), mem, "node " + i + " memory");
        }
        Map<String, JsonNode> pods = podItems();
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < PODS; j++) {
                JsonNode p = pods.get(LoadProfile.podName(i, j));
                assertEquals(LoadProfile.namespace(j), p.at("/metadata/namespace").asText());
                JsonNode containers = p.get("containers");
                assertEquals(2, containers.size());
                for (int k = 0; k < 2; k++) {
                    JsonNode c = containers.get(k);
                    assertEquals(LoadProfile.containerName(k), c.get("name").asText(), "stable container order");
                    assertWithinOnePercent(LoadProfile.containerMillicores(i, j, k) * 1_000_000L,
                            SimulatedCluster.quantity(c.at("/usage/cpu").asText(), true), "pod " + i + "/" + j + " c" + k);
                    assertEquals(LoadProfile.containerMemoryBytes(j, k),
                            SimulatedCluster.quantity(c.at("/usage/memory").asText(), false));
                }
            }
        }
    }

    static void assertWithinOnePercent(long expected, long actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected / 100, what + ": expected " + expected + "n ±1%, got " + actual + "n");
    }

    @Test
    @Order(2)
    void containerRestartNeverYieldsNegativeOrSpikedRates() throws Exception {
        awaitAllNodes();
        String pod = LoadProfile.podName(1, 2);
        String ns = LoadProfile.namespace(2);
        long expected = LoadProfile.containerMillicores(1, 2, 0) * 1_000_000L;
        cluster.sim.cluster().restartContainer(ns, pod, "c0");
        String node = LoadProfile.nodeName(1);
        long nodeExpected = cluster.sim.profile().nodeMillicores(1) * 1_000_000L;
        Instant end = Instant.now().plusSeconds(16);
        int seen = 0;
        while (Instant.now().isBefore(end)) {
            JsonNode n = nodeItems().get(node);
            assertTrue(n != null, "a container restart does not cost the node its metrics");
            assertWithinOnePercent(nodeExpected, SimulatedCluster.quantity(n.at("/usage/cpu").asText(), true), "node cpu after restart");
            JsonNode p = podItems().get(pod);
            for (JsonNode c : p == null ? List.<JsonNode>of() : (Iterable<JsonNode>) () -> p.get("containers").elements()) {
                // the restarted container may be left out for one cycle, never reported wrong
                if (c.get("name").asText().equals("c0")) {
                    long cpu = SimulatedCluster.quantity(c.at("/usage/cpu").asText(), true);
                    assertTrue(cpu >= 0 && cpu <= expected + expected / 100, "after restart c0 cpu " + cpu + "n, expected ≤ " + expected);
                    seen++;
                }
            }
            Thread.sleep(500);
        }
        assertTrue(seen > 0, "the restarted container came back within three cycles");
    }

    @Test
    @Order(3)
    void faultyKubeletsCostOnlyTheirNodeWithOneClearLine() throws Exception {
        awaitAllNodes();
        List<FaultMode> modes = List.of(FaultMode.TIMEOUT, FaultMode.HTTP_500, FaultMode.HTTP_401, FaultMode.HTTP_403,
                FaultMode.RESET, FaultMode.GARBAGE, FaultMode.HUGE, FaultMode.SLOW);
        String log = SimulatedCluster.capturingStdout(() -> {
            for (int i = 0; i < modes.size(); i++) {
                cluster.sim.faults().set(LoadProfile.nodeName(i), modes.get(i));
            }
            String healthy = LoadProfile.nodeName(NODES - 1);
            String before = nodeItems().get(healthy).get("timestamp").asText();
            // three cycles: the carried-over point of a failed node is gone after the second failure
            Thread.sleep(16_000);
            Map<String, JsonNode> nodes = nodeItems();
            assertTrue(nodes.containsKey(healthy) && !nodes.get(healthy).get("timestamp").asText().equals(before),
                    "healthy node keeps fresh data");
            assertTrue(nodes.containsKey(LoadProfile.nodeName(modes.indexOf(FaultMode.SLOW))), "a slow kubelet within the timeout still counts");
            for (int i = 0; i < modes.size(); i++) {
                if (modes.get(i) != FaultMode.SLOW) {
                    assertTrue(!nodes.containsKey(LoadProfile.nodeName(i)), "node with fault " + modes.get(i) + " is skipped");
                }
            }
        });
        for (int i = 0; i < modes.size(); i++) {
            if (modes.get(i) == FaultMode.SLOW) {
                continue;
            }
            String node = LoadProfile.nodeName(i);
            FaultMode mode = modes.get(i);
            String line = log.lines().filter(l -> l.contains("io.kma.scraper"))
                    .filter(l -> l.contains(node + " ") || l.contains(node + ",") || l.contains(node + ")"))
                    .filter(l -> l.contains("WARN") || l.contains("ERROR")).findFirst()
                    .orElseThrow(() -> new AssertionError("no log line for " + node + " (" + mode + ")"));
            assertTrue(line.contains("127.0.0.1") || line.contains("https://"), "the line names the address: " + line);
        }
        String unauthorized = log.lines().filter(l -> l.contains("io.kma.scraper"))
                .filter(l -> l.contains(LoadProfile.nodeName(modes.indexOf(FaultMode.HTTP_401)) + " "))
                .filter(l -> l.contains("401")).findFirst().orElseThrow(() -> new AssertionError("no 401 line:\n" + log));
        assertTrue(unauthorized.contains("CN=system:kube-metrics-appliance") && unauthorized.contains("appliance.kubeconfig"),
                "the refused credential (the appliance's own, from its kubeconfig) is named: " + unauthorized);
        assertTrue(log.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack traces");
        cluster.sim.faults().clearAll();
        awaitAllNodes();
    }

    @Test
    @Order(4)
    void strategiesAreSwappedWhileRunningWithoutLosingMetrics() throws Exception {
        awaitAllNodes();
        StringBuilder hosts = new StringBuilder("addressResolver: hosts\nhosts:\n");
        for (int i = 0; i < NODES; i++) {
            hosts.append("  ").append(LoadProfile.nodeName(i)).append(": 127.0.0.1\n");
        }
        String token = "auth: token\ntokenFile: " + cluster.sim.dir().resolve("kubelet-token") + "\n";
        cluster.reconfigure(hosts + token);
        Thread.sleep(4000); // the config bundle polls the file every 2 s

        // with hosts + token configured, the preferred and x509 strategies are not needed any more
        Bundle preferred = cluster.appliance.bundle("io.kma.address.preferred");
        Bundle x509 = cluster.appliance.bundle("io.kma.kubelet.auth.x509");
        preferred.stop();
        x509.stop();
        try {
            assertEquals(NODES, nodeItems().size(), "stored metrics survive the swap");
            String node = LoadProfile.nodeName(0);
            String before = nodeItems().get(node).get("timestamp").asText();
            Appliance.await("fresh data through the hosts resolver and the token", Duration.ofSeconds(20), () -> {
                try {
                    JsonNode n = nodeItems().get(node);
                    return n != null && !n.get("timestamp").asText().equals(before) && podItems().size() == NODES * PODS;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            preferred.start();
            x509.start();
            cluster.reconfigure("");
        }
        Thread.sleep(4000);
        awaitAllNodes();
    }
}
