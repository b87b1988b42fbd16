package io.kma.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.simulator.LoadProfile;

/**
 * The appliance behind a real kube-apiserver 1.20 and kube-controller-manager (built from Debian's source package),
 * with the real kubectl as the client: the aggregator's Endpoints routing to two appliances in their own network
 * namespaces, {@code kubectl top} exact against the simulator's load profile, the error Status codes through the
 * real aggregator, and a real HorizontalPodAutoscaler scaling Deployments on CPU and on memory. One control plane
 * serves every method (started once, torn down in every path).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(90);
    private static final String TOP_NS = "kma-top";
    private static final String HPA_NS = "kma-hpa";

    private static Path work;
    private static Network network;
    private static ControlPlane cp;
    private static final List<ApplianceHost> hosts = new ArrayList<>();
    private static Thread teardownHook;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites tools = Prerequisites.check();
        Path dist = Path.of(System.getProperty("kma.dist", "../../assembly/target/kube-metrics-appliance")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dist.resolve("bundles")), "no distribution at " + dist + ": run mvn -B install -DskipTests first");
        work = Path.of(System.getProperty("kma.work", "target/controlplane-test")).toAbsolutePath();
        Files.createDirectories(work);
        // a JVM ended by surefire's timeout still takes its namespaces and processes down
        teardownHook = new Thread(ControlPlaneTest::teardown, "controlplane-teardown");
        Runtime.getRuntime().addShutdownHook(teardownHook);
        try {
            long t0 = System.nanoTime();
            network = Network.create();
            cp = ControlPlane.start(tools, network, work);
            long tControlPlane = System.nanoTime();
            System.out.println("controlplane: etcd, kube-apiserver, kube-controller-manager and " + ControlPlane.NODES
                    + " kubelets ready in " + (tControlPlane - t0) / 1_000_000 + " ms");
            for (int n = 1; n <= 2; n++) {
                ApplianceHost host = new ApplianceHost(n, network.addAppliance(n), work.resolve("master-" + n), dist, cp);
                hosts.add(host);
                host.obtainIdentity();
                // leases short enough for the test to see a dead master leave within a minute
                host.writeConfig("""
                        registration:
                          leaseDurationSeconds: 15
                          renewIntervalSeconds: 5
                        """);
            }
            applyManifests();
            for (ApplianceHost host : hosts) {
                host.start();
            }
            createTopPods();
            awaitAvailable();
            System.out.println("controlplane: identities, manifests, 2 appliances and APIService Available in "
                    + (System.nanoTime() - tControlPlane) / 1_000_000 + " ms");
        } catch (Exception | Error e) {
            teardown();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        teardown();
        if (teardownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(teardownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs teardown, which is idempotent
            }
        }
    }

    private static synchronized void teardown() {
        try {
            for (ApplianceHost h : hosts) {
                h.close();
            }
            hosts.clear();
            if (cp != null) {
                cp.close();
                cp = null;
            }
            if (network != null) {
                network.close();
                network = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * APIService, Service and RBAC from {@code manifests}, applied with the real kubectl; no address list: the
     * Endpoints are the appliances' own business (self-registration), so the APIService becomes Available only
     * through it. {@code --hosts} narrows the registration Role to these hosts' Leases and EndpointSlices, and the
     * real RBAC then has to let each appliance do its registration with exactly that.
     */
    private static void applyManifests() throws Exception {
        Path dist = Path.of(System.getProperty("kma.dist", "../../assembly/target/kube-metrics-appliance")).toAbsolutePath().normalize();
        String hostnames = String.join(",", hosts.stream().map(ApplianceHost::hostname).toList());
        Proc.Result manifests = Proc.run(Duration.ofSeconds(60), List.of(dist.resolve("bin/kube-metrics-appliance").toString(),
                "manifests", "--hosts", hostnames, "--port", Integer.toString(ApplianceHost.PORT)));
        assertEquals(0, manifests.exit(), manifests.output());
        assertTrue(!manifests.output().contains("\nkind: Endpoints\n"), "no static Endpoints without --advertise-address");
        Path file = work.resolve("manifests.yaml");
        Files.writeString(file, manifests.output());
        Proc.Result applied = cp.kubectl("apply", "-f", file.toString());
        assertEquals(0, applied.exit(), applied.output());
    }

    /** Two pods per node, two containers each; the kubelets bind them and report the profile's figures. */
    private static void createTopPods() throws Exception {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + TOP_NS + "}\n");
        for (int p = 0; p < 2 * ControlPlane.NODES; p++) {
            y.append("""
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: top-%d, namespace: %s, labels: {app: top}}
                    spec:
                      automountServiceAccountToken: false
                      containers:
                      - {name: c0, image: registry.k8s.io/pause:3.2}
                      - {name: c1, image: registry.k8s.io/pause:3.2}
                    """.formatted(p, TOP_NS));
        }
        apply("top-pods.yaml", y.toString());
        cp.await("the top pods Running", Duration.ofSeconds(60), () -> {
            try {
                JsonNode items = json("get", "pods", "-n", TOP_NS, "-o", "json").path("items");
                int running = 0;
                for (JsonNode pod : items) {
                    running += pod.at("/status/phase").asText().equals("Running") ? 1 : 0;
                }
                return running == 2 * ControlPlane.NODES;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void awaitAvailable() throws InterruptedException {
        cp.await("APIService v1beta1.metrics.k8s.io Available=True", Duration.ofSeconds(120), () -> available().equals("True"));
    }

    private static String available() {
        try {
            return cp.kubectl("get", "apiservice", "v1beta1.metrics.k8s.io", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Available\")].status}").output().strip();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void apply(String name, String yaml) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, yaml);
        Proc.Result r = cp.kubectl("apply", "-f", file.toString());
        assertEquals(0, r.exit(), r.output());
    }

    private static JsonNode json(String... kubectlArgs) throws Exception {
        Proc.Result r = cp.kubectl(kubectlArgs);
        if (!r.ok()) {
            throw new AssertionError("kubectl " + String.join(" ", kubectlArgs) + ": " + r.output());
        }
        return JSON.readTree(r.output());
    }

    /** A pod's (node index, pod index) in the load profile, from the annotation the kubelets wrote when binding it. */
    private static int[] loadIndex(JsonNode pod) {
        String[] a = pod.at("/metadata/annotations").path("simulator.kma.io/load").asText().split("/");
        assertEquals(2, a.length, "pod " + pod.at("/metadata/name").asText() + " has no load annotation");
        return new int[]{Integer.parseInt(a[0]), Integer.parseInt(a[1])};
    }

    /** {@code kubectl top} rows as key → the cells after the key columns. */
    private static Map<String, String> top(int keyColumns, int[] valueColumns, String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of("top"));
        full.addAll(List.of(args));
        Proc.Result r = cp.kubectl(full.toArray(String[]::new));
        Map<String, String> rows = new TreeMap<>();
        if (!r.ok()) {
            rows.put("error", r.output().strip());
            return rows;
        }
        String[] lines = r.output().strip().split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].trim().split("\\s+");
            StringBuilder key = new StringBuilder(cells[0]);
            for (int k = 1; k < keyColumns; k++) {
                key.append('/').append(cells[k]);
            }
            StringBuilder value = new StringBuilder();
            for (int c : valueColumns) {
                value.append(value.length() == 0 ? "" : " ").append(cells[c]);
            }
            rows.put(key.toString(), value.toString());
        }
        return rows;
    }

    private static String cell(long millicores, long bytes) {
        return millicores + "m " + bytes / LoadProfile.MIB + "Mi";
    }

    /** Waits until {@code kubectl top ...} prints exactly {@code expected}; asserts equality with the last output. */
    private static void awaitTop(Map<String, String> expected, int keyColumns, int[] valueColumns, String... args) throws Exception {
        List<Map<String, String>> last = new ArrayList<>(List.of(Map.of()));
        cp.await("kubectl top " + String.join(" ", args) + " = " + expected, METRICS_TIMEOUT, () -> {
            try {
                last.set(0, top(keyColumns, valueColumns, args));
                return last.get(0).equals(expected);
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(expected, last.get(0));
    }

    private static java.util.Set<String> endpointAddresses() throws Exception {
        JsonNode ep = json("get", "endpoints", "metrics-server", "-n", "kube-system", "-o", "json");
        java.util.Set<String> ips = new java.util.TreeSet<>();
        for (JsonNode subset : ep.path("subsets")) {
            subset.path("addresses").forEach(a -> ips.add(a.path("ip").asText()));
        }
        return ips;
    }

    private static void awaitEndpoints(java.util.Set<String> expected, Duration timeout) throws Exception {
        cp.await("Endpoints kube-system/metrics-server = " + expected, timeout, () -> {
            try {
                return endpointAddresses().equals(expected);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static java.util.Set<String> allIps() {
        return new java.util.TreeSet<>(hosts.stream().map(ApplianceHost::ip).toList());
    }

    /**
     * No address list anywhere: each appliance put its own address (the one routing to kube-apiserver) into the
     * Service's Endpoints, holds its Lease and keeps its EndpointSlice (v1beta1: what 1.20 serves), and the real
     * aggregator found them Available.
     */
    @Test
    @Order(1)
    void twoAppliancesSelfRegisterAndTheApiServiceIsAvailable() throws Exception {
        assertEquals("True", available());
        // the identity the CSR flow gave the appliances is no administrator: RBAC from manifests, nothing more
        Map<String, String> canI = new TreeMap<>();
        for (String check : List.of("get nodes --subresource=metrics", "list pods", "list secrets", "create pods", "delete nodes")) {
            List<String> args = new ArrayList<>(List.of("auth", "can-i"));
            args.addAll(List.of(check.split(" ")));
            args.addAll(List.of("-A", "--as", "system:kube-metrics-appliance"));
            canI.put(check, cp.kubectl(args.toArray(String[]::new)).output().strip());
        }
        assertEquals(Map.of("get nodes --subresource=metrics", "yes", "list pods", "yes", "list secrets", "no", "create pods", "no",
                "delete nodes", "no"), canI);
        awaitEndpoints(allIps(), Duration.ofSeconds(30));
        JsonNode leases = json("get", "leases", "-n", "kube-system", "-o", "json");
        JsonNode slices = json("get", "--raw", "/apis/discovery.k8s.io/v1beta1/namespaces/kube-system/endpointslices");
        for (ApplianceHost h : hosts) {
            JsonNode lease = null;
            for (JsonNode l : leases.path("items")) {
                if (l.at("/metadata/name").asText().equals("kube-metrics-appliance-" + h.hostname())) {
                    lease = l;
                }
            }
            assertTrue(lease != null, "no Lease kube-metrics-appliance-" + h.hostname() + " in " + leases.toPrettyString());
            assertTrue(lease.path("metadata").path("annotations").toString().contains(h.ip() + ":" + ApplianceHost.PORT),
                    lease.toPrettyString());
            JsonNode slice = null;
            for (JsonNode sl : slices.path("items")) {
                if (sl.at("/metadata/name").asText().equals("metrics-server-kma-" + h.hostname())) {
                    slice = sl;
                }
            }
            assertTrue(slice != null, "no EndpointSlice metrics-server-kma-" + h.hostname() + " in " + slices.toPrettyString());
            assertEquals(h.ip(), slice.at("/endpoints/0/addresses/0").asText(), slice.toPrettyString());
            assertTrue(slice.at("/endpoints/0/conditions/ready").asBoolean(true), slice.toPrettyString());
            assertEquals("metrics-server", slice.at("/metadata/labels/kubernetes.io~1service-name").asText());
        }
    }

    @Test
    @Order(2)
    void apiServiceAvailableAndKubectlTopExact() throws Exception {
        assertEquals("True", available());
        JsonNode pods = json("get", "pods", "-A", "-o", "json").path("items");
        Map<String, String> nodes = new TreeMap<>();
        Map<String, String> podRows = new TreeMap<>();
        Map<String, String> containerRows = new TreeMap<>();
        long[] nodeMilli = new long[ControlPlane.NODES];
        long[] nodeBytes = new long[ControlPlane.NODES];
        for (int i = 0; i < ControlPlane.NODES; i++) {
            nodeMilli[i] = LoadProfile.systemMillicores(i);
            nodeBytes[i] = LoadProfile.systemMemoryBytes(i);
        }
        for (JsonNode pod : pods) {
            int[] ij = loadIndex(pod);
            String ns = pod.at("/metadata/namespace").asText();
            String name = pod.at("/metadata/name").asText();
            assertEquals(LoadProfile.nodeName(ij[0]), pod.at("/spec/nodeName").asText());
            long podMilli = 0;
            long podBytes = 0;
            JsonNode containers = pod.at("/spec/containers");
            for (int k = 0; k < containers.size(); k++) {
                long m = LoadProfile.containerMillicores(ij[0], ij[1], k);
                long b = LoadProfile.containerMemoryBytes(ij[1], k);
                podMilli += m;
                podBytes += b;
                if (ns.equals(TOP_NS)) {
                    containerRows.put(name + "/" + containers.get(k).path("name").asText(), cell(m, b));
                }
            }
            podRows.put(ns + "/" + name, cell(podMilli, podBytes));
            nodeMilli[ij[0]] += podMilli;
            nodeBytes[ij[0]] += podBytes;
        }
        assertEquals(2 * ControlPlane.NODES, podRows.size(), "only the test's pods exist yet: " + podRows);
        for (int i = 0; i < ControlPlane.NODES; i++) {
            nodes.put(LoadProfile.nodeName(i), cell(nodeMilli[i], nodeBytes[i]));
        }
        awaitTop(nodes, 1, new int[]{1, 3}, "node");
        awaitTop(podRows, 2, new int[]{2, 3}, "pod", "-A");
        awaitTop(containerRows, 2, new int[]{2, 3}, "pod", "-n", TOP_NS, "--containers");
    }

    @Test
    @Order(3)
    void badInputsThroughTheRealAggregatorGiveTheSimulatorsStatusCodes() throws Exception {
        // the codes testing/itest (MetricsApiTest, through the simulator's aggregator) asserts for the same requests
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("/apis/metrics.k8s.io/v1beta1/nodes/no-such-node", 404);
        expected.put("/apis/metrics.k8s.io/v1beta1/namespaces/" + TOP_NS + "/pods/no-such-pod", 404);
        expected.put("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%20in%20(", 400);
        expected.put("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dx", 400);
        expected.put("/apis/metrics.k8s.io/v1beta1/nodes?watch=true", 405);
        Map<String, String> actual = new java.util.LinkedHashMap<>();
        Map<String, String> want = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Proc.Result r = cp.curl(e.getKey());
            String kind;
            try {
                JsonNode status = JSON.readTree(r.output());
                kind = status.path("kind").asText() + " " + status.path("code").asInt();
            } catch (Exception ex) {
                kind = "not JSON: " + r.output();
            }
            actual.put(e.getKey(), r.exit() + " " + kind);
            want.put(e.getKey(), e.getValue() + " Status " + e.getValue());
        }
        assertEquals(want, actual);
    }

    @Test
    @Order(4)
    void horizontalPodAutoscalerScalesOnCpu() throws Exception {
        scales("cpu-scaled", "cpu", "10m");
    }

    @Test
    @Order(5)
    void horizontalPodAutoscalerScalesOnMemory() throws Exception {
        scales("memory-scaled", "memory", "8Mi");
    }

    private static final String NODES_PATH = "/apis/metrics.k8s.io/v1beta1/nodes";

    /**
     * A master that dies (SIGKILL: no goodbye) is taken out of rotation by its peer once its Lease expired, with no
     * operator; from then on a client sees no more errors. Then it comes back and registers again.
     */
    @Test
    @Order(6)
    void aKilledAppliancesAddressLeavesAfterItsLeaseExpires() throws Exception {
        ApplianceHost victim = hosts.get(1);
        java.util.Set<String> survivors = new java.util.TreeSet<>(allIps());
        survivors.remove(victim.ip());
        long removedAt;
        int before;
        try (ClientLoop loop = new ClientLoop(cp, NODES_PATH, 180_000)) {
            long killedAt = System.currentTimeMillis();
            victim.process().kill();
            // lease 15 s + renew 5 s + the peer's next pass, with a margin
            awaitEndpoints(survivors, Duration.ofSeconds(60));
            removedAt = System.currentTimeMillis();
            System.out.println("controlplane: killed master's address removed after " + (removedAt - killedAt) + " ms");
            before = loop.requests();
            cp.await("20 client requests after the removal", Duration.ofSeconds(60), () -> loop.requests() >= before + 20);
            // a request that started before the Endpoints changed may still have been routed to the dead address
            assertEquals(List.of(), loop.failuresSince(removedAt + 1000), "errors after the dead master left the Endpoints");
            System.out.println("controlplane: client errors while the dead master was listed: " + loop.failuresSince(0).size());
        }
        victim.start();
        awaitEndpoints(allIps(), Duration.ofSeconds(60));
        awaitAvailable();
    }

    /**
     * A rolling restart of every master with SIGTERM (systemctl restart, an RPM upgrade): each leaves the Endpoints
     * first and drains, so a client looping on the API through the aggregator sees not one failed request.
     */
    @Test
    @Order(7)
    void aRollingSigtermRestartOfBothFailsNoRequest() throws Exception {
        try (ClientLoop loop = new ClientLoop(cp, NODES_PATH, 300_000)) {
            cp.await("the client loop running", Duration.ofSeconds(30), () -> loop.requests() >= 3);
            for (ApplianceHost h : hosts) {
                long t0 = System.currentTimeMillis();
                int exit = h.stop();
                System.out.println("controlplane: " + h.hostname() + " stopped by SIGTERM in " + (System.currentTimeMillis() - t0)
                        + " ms, exit " + exit);
                assertEquals(0, exit, h.hostname() + " exit code after its drain; log:\n" + h.process().tail(20));
                h.start();
                awaitEndpoints(allIps(), Duration.ofSeconds(60));
            }
            int after = loop.requests();
            cp.await("5 more client requests", Duration.ofSeconds(30), () -> loop.requests() >= after + 5);
            assertEquals(List.of(), loop.failures(), "failed requests during the rolling restart (" + loop.requests() + " sent)");
            System.out.println("controlplane: rolling SIGTERM restart: " + loop.requests() + " requests, 0 failed");
        }
    }

    /**
     * A Deployment of one pod whose request is below what the profile makes it use (each container uses at least
     * 10m and 16Mi), and an autoscaling/v2beta2 HPA targeting 50 % of the request: kube-controller-manager reads the
     * pods' usage through the aggregator and scales the Deployment up.
     */
    private static void scales(String name, String resource, String request) throws Exception {
        apply(name + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: %4$s}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: %4$s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      automountServiceAccountToken: false
                      containers:
                      - name: c0
                        image: registry.k8s.io/pause:3.2
                        resources: {requests: {%2$s: %3$s}}
                ---
                apiVersion: autoscaling/v2beta2
                kind: HorizontalPodAutoscaler
                metadata: {name: %1$s, namespace: %4$s}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %1$s}
                  minReplicas: 1
                  maxReplicas: 3
                  metrics:
                  - type: Resource
                    resource: {name: %2$s, target: {type: Utilization, averageUtilization: 50}}
                """.formatted(name, resource, request, HPA_NS));
        JsonNode[] hpa = {null};
        cp.await("HPA " + name + " scaling its Deployment above 1 replica on " + resource, Duration.ofSeconds(150), () -> {
            try {
                // as kube-controller-manager wrote it, in the version the HPA was made with (kubectl 1.32 asks for v1)
                hpa[0] = json("get", "--raw", "/apis/autoscaling/v2beta2/namespaces/" + HPA_NS + "/horizontalpodautoscalers/" + name);
                return hpa[0].at("/status/desiredReplicas").asInt() > 1
                        && json("get", "deployment", name, "-n", HPA_NS, "-o", "json").at("/spec/replicas").asInt() > 1;
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode current = hpa[0].at("/status/currentMetrics/0/resource");
        assertEquals(resource, current.path("name").asText(), hpa[0].toPrettyString());
        // the profile gives every container at least its request (10m, 16Mi ≥ 8Mi): utilization ≥ 100 %
        assertTrue(current.at("/current/averageUtilization").asInt() >= 100, hpa[0].toPrettyString());
        JsonNode events = json("get", "events", "-n", HPA_NS, "--field-selector", "involvedObject.name=" + name, "-o", "json");
        assertTrue(events.toString().contains("SuccessfulRescale"), events.toPrettyString());
    }
}
