package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeletTest {
    static final Pattern SERIES = Pattern.compile("^([a-z_]+)(\\{[^}]*})? (\\S+)(?: (\\d+))?$");
    @TempDir
    static Path dir;
    static Simulator sim;
    static SSLContext kubeletClient;
    static SSLContext noCert;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(2).podsPerNode(7).containersPerPod(3).build());
        kubeletClient = TestHttp.tls(dir, "apiserver-kubelet-client");
        noCert = TestHttp.tls(dir, null);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static String url(int node, String path) {
        return "https://127.0.0.1:" + sim.kubeletAddress(node).getPort() + path;
    }

    static TestHttp.Response scrape(int node, SSLContext tls, Map<String, String> headers, String path) throws Exception {
        return TestHttp.request("GET", url(node, path), tls, TestHttp.dnsName(LoadProfile.nodeName(node)), headers, null);
    }

    @Test
    void authenticationAndAuthorization() throws Exception {
        assertEquals(401, scrape(0, noCert, Map.of(), "/metrics/resource").code());
        String viewer = Files.readString(dir.resolve("viewer-token")).trim();
        TestHttp.Response forbidden = scrape(0, noCert, Map.of("Authorization", "Bearer " + viewer), "/metrics/resource");
        assertEquals(403, forbidden.code());
        assertEquals("Forbidden (user=jane, verb=get, resource=nodes, subresource=metrics)", forbidden.body());
        assertEquals(200, scrape(0, kubeletClient, Map.of(), "/metrics/resource").code());
        String token = Files.readString(dir.resolve("kubelet-token")).trim();
        assertEquals(200, scrape(1, noCert, Map.of("Authorization", "Bearer " + token), "/metrics/resource").code());
        assertEquals(200, scrape(1, TestHttp.tls(dir, "appliance"), Map.of(), "/stats/summary").code());
    }

    /** series key → value, plus the sample timestamp under key + "@ts". */
    static Map<String, BigDecimal> parse(String body) {
        Map<String, BigDecimal> m = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            Matcher x = SERIES.matcher(line);
            assertTrue(x.matches(), "not a Prometheus sample line: " + line);
            String key = x.group(1) + (x.group(2) == null ? "" : x.group(2));
            m.put(key, new BigDecimal(x.group(3)));
            if (x.group(4) != null) {
                m.put(key + "@ts", new BigDecimal(x.group(4)));
            }
        }
        return m;
    }

    @Test
    void resourceMetricsMatchTheProfileExactly() throws Exception {
        int node = 1;
        TestHttp.Response first = scrape(node, kubeletClient, Map.of(), "/metrics/resource");
        assertEquals(200, first.code());
        assertTrue(first.contentType().startsWith("text/plain; version=0.0.4"), first.contentType());
        Thread.sleep(1100);
        Map<String, BigDecimal> a = parse(first.body());
        Map<String, BigDecimal> b = parse(scrape(node, kubeletClient, Map.of(), "/metrics/resource").body());
        LoadProfile p = sim.profile();
        int checked = 0;
        for (int j = 0; j < p.podsPerNode(); j++) {
            for (int k = 0; k < p.containersPerPod(); k++) {
                String labels = "{container=\"c" + k + "\",namespace=\"" + LoadProfile.namespace(j) + "\",pod=\"" + LoadProfile.podName(node, j) + "\"}";
                String cpu = "container_cpu_usage_seconds_total" + labels;
                BigDecimal dt = b.get(cpu + "@ts").subtract(a.get(cpu + "@ts")).movePointLeft(3);
                BigDecimal rate = b.get(cpu).subtract(a.get(cpu)).divide(dt, MathContext.DECIMAL64);
                assertEquals(0, rate.compareTo(BigDecimal.valueOf(LoadProfile.containerMillicores(node, j, k)).movePointLeft(3)), cpu + " rate " + rate);
                assertEquals(LoadProfile.containerMemoryBytes(j, k), b.get("container_memory_working_set_bytes" + labels).longValueExact());
                assertTrue(b.containsKey("container_start_time_seconds" + labels));
                checked++;
            }
        }
        assertEquals(21, checked);
        BigDecimal dt = b.get("node_cpu_usage_seconds_total@ts").subtract(a.get("node_cpu_usage_seconds_total@ts")).movePointLeft(3);
        BigDecimal nodeRate = b.get("node_cpu_usage_seconds_total").subtract(a.get("node_cpu_usage_seconds_total")).divide(dt, MathContext.DECIMAL64);
        assertEquals(0, nodeRate.compareTo(BigDecimal.valueOf(p.nodeMillicores(node)).movePointLeft(3)), "node rate " + nodeRate);
        assertEquals(p.nodeMemoryBytes(node), b.get("node_memory_working_set_bytes").longValueExact());
        assertEquals(0, b.get("resource_scrape_error").signum());
    }

    @Test
    void textFormatIsTheKubeletsByteForByte() throws Exception {
        String body = scrape(0, kubeletClient, Map.of(), "/metrics/resource").body();
        assertTrue(body.startsWith("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds\n"
                + "# TYPE container_cpu_usage_seconds_total counter\ncontainer_cpu_usage_seconds_total{container=\"c0\",namespace=\"sim-ns-0\",pod=\"sim-pod-0-0\"} "), body.substring(0, 300));
        // 16 MiB × (1 + (0+0) mod 8) printed as Go's %g does
        assertTrue(body.contains("container_memory_working_set_bytes{container=\"c0\",namespace=\"sim-ns-0\",pod=\"sim-pod-0-0\"} 1.6777216e+07 "), "exponent form");
        assertTrue(body.contains("\n# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total "));
        assertTrue(body.endsWith("# TYPE resource_scrape_error gauge\nresource_scrape_error 0\n"));
        for (String family : new String[]{"container_swap_usage_bytes", "node_swap_usage_bytes", "pod_cpu_usage_seconds_total",
                "pod_memory_working_set_bytes", "pod_swap_usage_bytes", "container_start_time_seconds"}) {
            assertTrue(body.contains("# TYPE " + family + " "), family);
        }
    }

    @Test
    void summaryMatchesTheProfile() throws Exception {
        JsonNode s = new ObjectMapper().readTree(scrape(0, kubeletClient, Map.of(), "/stats/summary").body());
        assertEquals("sim-node-0", s.at("/node/nodeName").asText());
        assertEquals(sim.profile().nodeMemoryBytes(0), s.at("/node/memory/workingSetBytes").asLong());
        assertEquals(7, s.get("pods").size());
        JsonNode pod = s.get("pods").get(0);
        assertEquals("sim-pod-0-0", pod.at("/podRef/name").asText());
        assertEquals(LoadProfile.containerMemoryBytes(0, 1), pod.at("/containers/1/memory/workingSetBytes").asLong());
        assertEquals(LoadProfile.containerMillicores(0, 0, 2) * 1_000_000L, pod.at("/containers/2/cpu/usageNanoCores").asLong());
        assertTrue(pod.at("/containers/0/cpu/usageCoreNanoSeconds").asLong() > 0);
    }

    @Test
    void churnAndRestartShowInScrapes() throws Exception {
        SimPod added = sim.cluster().addPod("sim-node-0");
        String body = scrape(0, kubeletClient, Map.of(), "/metrics/resource").body();
        assertTrue(body.contains("pod=\"" + added.name() + "\""));
        sim.cluster().restartContainer("sim-ns-2", "sim-pod-0-2", "c1");
        Map<String, BigDecimal> m = parse(scrape(0, kubeletClient, Map.of(), "/metrics/resource").body());
        String labels = "{container=\"c1\",namespace=\"sim-ns-2\",pod=\"sim-pod-0-2\"}";
        // restarted now: its counter holds at most a few seconds of 10..100 m
        assertTrue(m.get("container_cpu_usage_seconds_total" + labels).compareTo(BigDecimal.ONE) < 0);
        assertTrue(sim.cluster().deletePod(added.namespace(), added.name()));
        assertTrue(!scrape(0, kubeletClient, Map.of(), "/metrics/resource").body().contains("pod=\"" + added.name() + "\""));
    }
}
