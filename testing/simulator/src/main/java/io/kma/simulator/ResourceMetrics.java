package io.kma.simulator;

import java.nio.charset.StandardCharsets;

/**
 * Renders a kubelet's {@code /metrics/resource} exactly as kubelet 1.32 prints it: families sorted
 * by name (the Prometheus registry's order), series sorted by label values, labels in the order
 * container, namespace, pod, values in Go %g form, explicit millisecond timestamps.
 */
final class ResourceMetrics {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] header(String name, String stability, String help, String type) {
        return b("# HELP " + name + " [" + stability + "] " + help + "\n# TYPE " + name + " " + type + "\n");
    }

    static final byte[] H_CONTAINER_CPU = header("container_cpu_usage_seconds_total", "STABLE",
            "Cumulative cpu time consumed by the container in core-seconds", "counter");
    static final byte[] H_CONTAINER_MEM = header("container_memory_working_set_bytes", "STABLE",
            "Current working set of the container in bytes", "gauge");
    static final byte[] H_CONTAINER_START = header("container_start_time_seconds", "STABLE",
            "Start time of the container since unix epoch in seconds", "gauge");
    static final byte[] H_CONTAINER_SWAP = header("container_swap_usage_bytes", "BETA",
            "Current amount of the container swap usage in bytes. Reported only on non-windows systems", "gauge");
    static final byte[] H_NODE_CPU = header("node_cpu_usage_seconds_total", "STABLE",
            "Cumulative cpu time consumed by the node in core-seconds", "counter");
    static final byte[] H_NODE_MEM = header("node_memory_working_set_bytes", "STABLE",
            "Current working set of the node in bytes", "gauge");
    static final byte[] H_NODE_SWAP = header("node_swap_usage_bytes", "BETA",
            "Current swap usage of the node in bytes. Reported only on non-windows systems", "gauge");
    static final byte[] H_POD_CPU = header("pod_cpu_usage_seconds_total", "STABLE",
            "Cumulative cpu time consumed by the pod in core-seconds", "counter");
    static final byte[] H_POD_MEM = header("pod_memory_working_set_bytes", "STABLE",
            "Current working set of the pod in bytes", "gauge");
    static final byte[] H_POD_SWAP = header("pod_swap_usage_bytes", "BETA",
            "Current amount of the pod swap usage in bytes. Reported only on non-windows systems", "gauge");
    static final byte[] RESOURCE_SCRAPE_ERROR = b("# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise\n"
            + "# TYPE resource_scrape_error gauge\nresource_scrape_error 0\n");

    static final byte[] CONTAINER_CPU = b("container_cpu_usage_seconds_total{container=\"");
    static final byte[] CONTAINER_MEM = b("container_memory_working_set_bytes{container=\"");
    static final byte[] CONTAINER_START = b("container_start_time_seconds{container=\"");
    static final byte[] CONTAINER_SWAP = b("container_swap_usage_bytes{container=\"");
    static final byte[] NODE_CPU = b("node_cpu_usage_seconds_total ");
    static final byte[] NODE_MEM = b("node_memory_working_set_bytes ");
    static final byte[] NODE_SWAP = b("node_swap_usage_bytes 0 ");
    static final byte[] POD_CPU = b("pod_cpu_usage_seconds_total");
    static final byte[] POD_MEM = b("pod_memory_working_set_bytes");
    static final byte[] POD_SWAP = b("pod_swap_usage_bytes");

    private ResourceMetrics() {
    }

    private interface ContainerValue {
        void write(ByteSink out, SimContainer c);
    }

    static void render(ByteSink out, SimNode node, long nowMillis) {
        SimNode.Load load = node.load;
        SimPod[] pods = load.pods();
        int maxContainers = 0;
        for (SimPod p : pods) {
            maxContainers = Math.max(maxContainers, p.containers.length);
        }
        out.put(H_CONTAINER_CPU);
        series(out, pods, maxContainers, CONTAINER_CPU, nowMillis, (o, c) -> GoFloat.append(o, c.cpuNanoSeconds(nowMillis), 9));
        out.put(H_CONTAINER_MEM);
        series(out, pods, maxContainers, CONTAINER_MEM, nowMillis, (o, c) -> GoFloat.append(o, c.memoryBytes(), 0));
        out.put(H_CONTAINER_START);
        series(out, pods, maxContainers, CONTAINER_START, nowMillis, (o, c) -> GoFloat.append(o, c.startEpochSecond(), 0));
        out.put(H_CONTAINER_SWAP);
        series(out, pods, maxContainers, CONTAINER_SWAP, nowMillis, (o, c) -> o.put((byte) '0'));

        long nodeCpu = node.cpuNanoSeconds(load, nowMillis);
        long nodeMem = node.systemMemoryBytes;
        for (SimPod p : pods) {
            for (SimContainer c : p.containers) {
                nodeMem += c.memoryBytes();
            }
        }
        out.put(H_NODE_CPU).put(NODE_CPU);
        GoFloat.append(out, nodeCpu, 9);
        out.put((byte) ' ').putLong(nowMillis).put((byte) '\n');
        out.put(H_NODE_MEM).put(NODE_MEM);
        GoFloat.append(out, nodeMem, 0);
        out.put((byte) ' ').putLong(nowMillis).put((byte) '\n');
        out.put(H_NODE_SWAP).put(NODE_SWAP).putLong(nowMillis).put((byte) '\n');

        out.put(H_POD_CPU);
        for (SimPod p : pods) {
            long cpu = 0;
            for (SimContainer c : p.containers) {
                cpu += c.cpuNanoSeconds(nowMillis);
            }
            out.put(POD_CPU).put(p.podLabels);
            GoFloat.append(out, cpu, 9);
            out.put((byte) ' ').putLong(nowMillis).put((byte) '\n');
        }
        out.put(H_POD_MEM);
        for (SimPod p : pods) {
            long mem = 0;
            for (SimContainer c : p.containers) {
                mem += c.memoryBytes();
            }
            out.put(POD_MEM).put(p.podLabels);
            GoFloat.append(out, mem, 0);
            out.put((byte) ' ').putLong(nowMillis).put((byte) '\n');
        }
        out.put(H_POD_SWAP);
        for (SimPod p : pods) {
            out.put(POD_SWAP).put(p.podLabels).put((byte) '0').put((byte) ' ').putLong(nowMillis).put((byte) '\n');
        }
        out.put(RESOURCE_SCRAPE_ERROR);
    }

    /** Series sorted by (container, namespace, pod): container index outermost, pods already sorted. */
    private static void series(ByteSink out, SimPod[] pods, int maxContainers, byte[] prefix, long nowMillis, ContainerValue value) {
        for (int k = 0; k < maxContainers; k++) {
            for (SimPod p : pods) {
                if (k >= p.containers.length) {
                    continue;
                }
                SimContainer c = p.containers[k];
                out.put(prefix).putAscii(c.name()).put(p.labelTail);
                value.write(out, c);
                out.put((byte) ' ').putLong(nowMillis).put((byte) '\n');
            }
        }
    }
}
