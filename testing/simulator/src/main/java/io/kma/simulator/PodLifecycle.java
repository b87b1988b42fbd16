package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scheduler and the kubelets do for pods, done by polling a real kube-apiserver: a pending pod without a
 * node is annotated with its load index ({@value #LOAD_ANNOTATION}: {@code <node index>/<pod index>}, the
 * {@link LoadProfile} figures the tests expect) and bound to the node with the fewest pods; a pod bound to one of
 * our nodes gets status Running and Ready and is reported by that node's {@code /metrics/resource}; a deleted pod is
 * confirmed deleted (grace period 0) and leaves the node's report, its CPU kept in the node's counter.
 */
final class PodLifecycle {
    static final String LOAD_ANNOTATION = "simulator.kma.io/load";
    private static final Logger LOG = LoggerFactory.getLogger(PodLifecycle.class);
    private static final Comparator<SimPod> KUBELET_ORDER = Comparator.comparing((SimPod p) -> p.namespace).thenComparing(p -> p.name);

    private record Running(String uid, SimNode node, SimPod pod) {
    }

    private final KubeApi api;
    private final Map<String, SimNode> nodes = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private String lastError = "";

    PodLifecycle(KubeApi api, List<SimNode> nodes) {
        this.api = api;
        for (SimNode n : nodes) {
            this.nodes.put(n.name, n);
        }
    }

    /** One pass; an error is logged once per distinct message and retried on the next pass. */
    void syncQuietly() {
        try {
            sync();
            lastError = "";
        } catch (IOException | RuntimeException e) {
            if (!e.toString().equals(lastError)) {
                LOG.warn("pod sync failed (retried every 500 ms): {}", e.toString());
                lastError = e.toString();
            }
        }
    }

    void sync() throws IOException {
        JsonNode items = api.get("/api/v1/pods").path("items");
        Set<String> seen = new HashSet<>();
        for (JsonNode pod : items) {
            String ns = pod.path("metadata").path("namespace").asText();
            String name = pod.path("metadata").path("name").asText();
            String key = ns + "/" + name;
            String nodeName = pod.path("spec").path("nodeName").asText("");
            boolean deleting = pod.path("metadata").hasNonNull("deletionTimestamp");
            seen.add(key);
            if (nodeName.isEmpty()) {
                if (!deleting) {
                    bind(pod, ns, name);
                }
                continue;
            }
            SimNode node = nodes.get(nodeName);
            if (node == null) {
                continue;
            }
            if (deleting) {
                stop(key);
                confirmDeletion(pod, ns, name);
            } else if (!running.containsKey(key) || !running.get(key).uid().equals(pod.path("metadata").path("uid").asText())) {
                stop(key);
                start(pod, node, ns, name);
            }
        }
        for (String key : new ArrayList<>(running.keySet())) {
            if (!seen.contains(key)) {
                stop(key);
            }
        }
    }

    private void bind(JsonNode pod, String ns, String name) throws IOException {
        SimNode node = nodes.values().stream().min(Comparator.comparingInt((SimNode n) -> n.load.pods().length)
                .thenComparingInt(n -> n.nextPodIndex).thenComparingInt(n -> n.index)).orElseThrow();
        int j = node.nextPodIndex++;
        String path = "/api/v1/namespaces/" + ns + "/pods/" + name;
        ObjectNode annotate = KubeApi.json().createObjectNode();
        annotate.putObject("metadata").putObject("annotations").put(LOAD_ANNOTATION, node.index + "/" + j);
        api.send("PATCH", path, KubeApi.MERGE_PATCH, annotate);
        ObjectNode binding = KubeApi.json().createObjectNode().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", name).put("namespace", ns)
                .put("uid", pod.path("metadata").path("uid").asText());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node.name);
        api.send("POST", path + "/binding", null, binding);
        LOG.info("pod {}/{} bound to {} as load index {}", ns, name, node.name, j);
    }

    private void start(JsonNode pod, SimNode node, String ns, String name) throws IOException {
        int j = loadIndex(pod, node);
        long now = Instant.now().getEpochSecond();
        JsonNode specContainers = pod.path("spec").path("containers");
        SimContainer[] cs = new SimContainer[specContainers.size()];
        for (int k = 0; k < cs.length; k++) {
            cs[k] = new SimContainer(specContainers.get(k).path("name").asText(), LoadProfile.containerMillicores(node.index, j, k),
                    LoadProfile.containerMemoryBytes(j, k), now, 0);
        }
        String time = Instant.ofEpochSecond(now).toString();
        ObjectNode status = KubeApi.json().createObjectNode();
        ObjectNode s = status.putObject("status").put("phase", "Running").put("hostIP", node.address)
                .put("podIP", "10.244." + node.index + "." + (2 + j % 250)).put("startTime", time).put("qosClass", "Burstable");
        ArrayNode conditions = s.putArray("conditions");
        for (String type : List.of("Initialized", "Ready", "ContainersReady", "PodScheduled")) {
            conditions.addObject().put("type", type).put("status", "True").put("lastTransitionTime", time);
        }
        ArrayNode statuses = s.putArray("containerStatuses");
        for (int k = 0; k < cs.length; k++) {
            JsonNode spec = specContainers.get(k);
            ObjectNode c = statuses.addObject().put("name", cs[k].name()).put("ready", true).put("started", true)
                    .put("restartCount", 0).put("image", spec.path("image").asText()).put("imageID", "simulated://" + spec.path("image").asText())
                    .put("containerID", "simulated://" + ns + "." + name + "." + cs[k].name());
            c.putObject("state").putObject("running").put("startedAt", time);
        }
        api.send("PATCH", "/api/v1/namespaces/" + ns + "/pods/" + name + "/status", KubeApi.MERGE_PATCH, status);
        SimPod p = new SimPod(name, ns, node.index, j, node.index * 1_000_000L + j, now, 0,
                Map.of(), cs, "Running");
        SimPod[] pods = Arrays.copyOf(node.load.pods(), node.load.pods().length + 1);
        pods[pods.length - 1] = p;
        Arrays.sort(pods, KUBELET_ORDER);
        node.load = new SimNode.Load(pods, node.load.retiredCpuNanos());
        running.put(ns + "/" + name, new Running(pod.path("metadata").path("uid").asText(), node, p));
        LOG.info("pod {}/{} running on {} ({} containers)", ns, name, node.name, cs.length);
    }

    /** The annotation written at binding, or (a pod created with spec.nodeName) the node's next index. */
    private static int loadIndex(JsonNode pod, SimNode node) {
        String a = pod.path("metadata").path("annotations").path(LOAD_ANNOTATION).asText("");
        String[] parts = a.split("/");
        if (parts.length == 2 && parts[0].equals(Integer.toString(node.index))) {
            try {
                return Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                // someone else's value: fall through to a fresh index
            }
        }
        return node.nextPodIndex++;
    }

    private void stop(String key) {
        Running r = running.remove(key);
        if (r == null) {
            return;
        }
        long nowMillis = System.currentTimeMillis();
        SimNode.Load load = r.node().load;
        long retired = load.retiredCpuNanos();
        for (SimContainer c : r.pod().containers) {
            retired += c.cpuNanoSeconds(nowMillis);
        }
        SimPod[] rest = Arrays.stream(load.pods()).filter(p -> p != r.pod()).toArray(SimPod[]::new);
        r.node().load = new SimNode.Load(rest, retired);
        LOG.info("pod {} stopped on {}", key, r.node().name);
    }

    private void confirmDeletion(JsonNode pod, String ns, String name) throws IOException {
        ObjectNode options = KubeApi.json().createObjectNode().put("apiVersion", "v1").put("kind", "DeleteOptions")
                .put("gracePeriodSeconds", 0);
        options.putObject("preconditions").put("uid", pod.path("metadata").path("uid").asText());
        try {
            api.send("DELETE", "/api/v1/namespaces/" + ns + "/pods/" + name, null, options);
        } catch (KubeApi.ApiException e) {
            if (e.code != 404 && e.code != 409) {
                throw e;
            }
        }
    }
}
