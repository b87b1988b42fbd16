package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A shrinking cluster (the admin API's nodes/shrink): nodes and their pods go, with watch events. */
class ShrinkTest {
    static final ObjectMapper M = new ObjectMapper();
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext admin;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(3).podsPerNode(2).build());
        admin = TestHttp.tls(dir, "admin");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static JsonNode get(String path) throws Exception {
        TestHttp.Response r = TestHttp.get(sim.apiserverUrl() + path, admin, Map.of("Accept", "application/json"));
        assertEquals(200, r.code(), r.body());
        return M.readTree(r.body());
    }

    @Test
    void deletesTheNodesFromAnIndexOnWithTheirPods() throws Exception {
        String rv = get("/api/v1/nodes").at("/metadata/resourceVersion").asText();
        HttpsURLConnection nodeWatch = TestHttp.open(sim.apiserverUrl() + "/api/v1/nodes?watch=true&timeoutSeconds=2&resourceVersion=" + rv,
                admin, null, Map.of("Accept", "application/json"));
        nodeWatch.setReadTimeout(8000);
        assertEquals(200, nodeWatch.getResponseCode());

        TestHttp.Response shrink = TestHttp.request("POST", sim.apiserverUrl() + "/simulator/v1/nodes/shrink?keep=1", admin, null, Map.of(), null);
        assertEquals(200, shrink.code(), shrink.body());
        assertEquals(2, M.readTree(shrink.body()).get("deleted").asInt());

        List<String> events = TestHttp.lines(nodeWatch, 10);
        assertEquals(2, events.size(), events.toString());
        for (String e : events) {
            JsonNode event = M.readTree(e);
            assertEquals("DELETED", event.get("type").asText());
            assertTrue(event.at("/object/metadata/name").asText().matches("sim-node-[12]"), e);
        }
        JsonNode nodes = get("/api/v1/nodes");
        assertEquals(1, nodes.get("items").size());
        assertEquals("sim-node-0", nodes.at("/items/0/metadata/name").asText());
        JsonNode pods = get("/api/v1/pods");
        assertEquals(2, pods.get("items").size());
        for (JsonNode pod : pods.get("items")) {
            assertEquals("sim-node-0", pod.at("/spec/nodeName").asText());
        }

        TestHttp.Response again = TestHttp.request("POST", sim.apiserverUrl() + "/simulator/v1/nodes/shrink?keep=1", admin, null, Map.of(), null);
        assertEquals(0, M.readTree(again.body()).get("deleted").asInt(), "deleted nodes are gone once");
        TestHttp.Response bad = TestHttp.request("POST", sim.apiserverUrl() + "/simulator/v1/nodes/shrink?keep=x", admin, null, Map.of(), null);
        assertEquals(400, bad.code(), bad.body());
    }
}
