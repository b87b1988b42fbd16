package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String META = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(2).podsPerNode(5).watchHistory(20).watchBookmarkSeconds(1).build());
        tls = TestHttp.tls(dir, "appliance");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static HttpsURLConnection watch(String query, String accept) throws Exception {
        HttpsURLConnection c = TestHttp.open(sim.apiserverUrl() + "/api/v1/pods?watch=true&" + query, tls, null, Map.of("Accept", accept));
        c.setReadTimeout(8000);
        assertEquals(200, c.getResponseCode());
        return c;
    }

    static List<JsonNode> events(HttpsURLConnection c, int max) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : TestHttp.lines(c, max)) {
            out.add(M.readTree(line));
        }
        return out;
    }

    @Test
    void resumesFromResourceVersionWithChurnEventsAndBookmarks() throws Exception {
        JsonNode list = M.readTree(TestHttp.get(sim.apiserverUrl() + "/api/v1/pods", tls,
                Map.of("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")).body());
        String rv = list.at("/metadata/resourceVersion").asText();
        HttpsURLConnection c = watch("resourceVersion=" + rv + "&allowWatchBookmarks=true&timeoutSeconds=3&fieldSelector=spec.nodeName%3Dsim-node-1", META);
        SimPod added = sim.cluster().addPod("sim-node-1");
        sim.cluster().restartContainer(added.namespace(), added.name(), "c0");
        sim.cluster().addPod("sim-node-0"); // filtered out by the field selector
        sim.cluster().deletePod(added.namespace(), added.name());
        List<JsonNode> ev = events(c, 50);
        List<String> types = new ArrayList<>();
        for (JsonNode e : ev) {
            if (!e.get("type").asText().equals("BOOKMARK")) {
                types.add(e.get("type").asText() + " " + e.at("/object/metadata/name").asText());
                assertEquals("PartialObjectMetadata", e.at("/object/kind").asText());
            }
        }
        assertEquals(List.of("ADDED " + added.name(), "MODIFIED " + added.name(), "DELETED " + added.name()), types);
        assertTrue(ev.stream().anyMatch(e -> e.get("type").asText().equals("BOOKMARK")), "a bookmark within the 3 s stream");
    }

    @Test
    void noResourceVersionStartsWithAddedForExistingObjects() throws Exception {
        HttpsURLConnection c = watch("timeoutSeconds=1&fieldSelector=spec.nodeName%3Dsim-node-0,status.phase%3DRunning", "application/json");
        List<JsonNode> ev = events(c, 100);
        assertTrue(ev.size() >= 5, "initial ADDED events: " + ev.size());
        ev.forEach(e -> assertEquals("ADDED", e.get("type").asText()));
        ev.forEach(e -> assertEquals("Pod", e.at("/object/kind").asText()));
        ev.forEach(e -> assertEquals("sim-node-0", e.at("/object/spec/nodeName").asText()));
    }

    @Test
    void leavingTheSelectorIsDeleted() throws Exception {
        SimPod p = sim.cluster().addPod("sim-node-0");
        String rv = Long.toString(sim.cluster().resourceVersion());
        HttpsURLConnection c = watch("resourceVersion=" + rv + "&timeoutSeconds=2&fieldSelector=status.phase%3DRunning", META);
        sim.cluster().setPhase(p.namespace(), p.name(), "Succeeded");
        List<JsonNode> ev = events(c, 10);
        assertEquals(1, ev.size(), ev.toString());
        assertEquals("DELETED", ev.get(0).get("type").asText());
    }

    @Test
    void initialEventsEndBookmark() throws Exception {
        HttpsURLConnection c = watch("sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1&labelSelector=app%3Dsim-app-2", META);
        List<JsonNode> ev = events(c, 100);
        JsonNode end = ev.stream().filter(e -> e.get("type").asText().equals("BOOKMARK")).findFirst().orElseThrow();
        assertEquals("true", end.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText());
    }

    @Test
    void tooOldResourceVersionGets410() throws Exception {
        String old = Long.toString(sim.cluster().resourceVersion());
        for (int i = 0; i < 25; i++) {
            SimPod p = sim.cluster().addPod("sim-node-1");
            sim.cluster().deletePod(p.namespace(), p.name());
        }
        List<JsonNode> ev = events(watch("resourceVersion=" + old, "application/json"), 10);
        assertEquals(1, ev.size());
        assertEquals("ERROR", ev.get(0).get("type").asText());
        assertEquals(410, ev.get(0).at("/object/code").asInt());
        assertEquals("Expired", ev.get(0).at("/object/reason").asText());
        assertTrue(ev.get(0).at("/object/message").asText().startsWith("too old resource version: " + old));
        // an expired continue token is a 410 too
        String token = new ApiServerHandler.Continue(Long.parseLong(old), "sim-ns-0/sim-pod-0-0").encode();
        TestHttp.Response r = TestHttp.get(sim.apiserverUrl() + "/api/v1/pods?limit=2&continue=" + token, tls, Map.of());
        assertEquals(410, r.code());
        assertFalse(r.body().isEmpty());
    }
}
