package io.kma.simulator;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Streams Kubernetes objects straight into a JsonGenerator: no per-request object trees, so a
 * list of 350,000 pods costs output bytes, not heap.
 */
final class Render {
    static final String KUBELET_VERSION = "v1.32.4";

    private Render() {
    }

    /**
     * ISO_INSTANT of a whole second ({@code 2006-01-02T15:04:05Z}), written by hand for years 0-9999: a pod list
     * renders five per pod, and the formatter was a tenth of the list's CPU.
     */
    static String time(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secs = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate d = LocalDate.ofEpochDay(days);
        if (d.getYear() < 0 || d.getYear() > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
        }
        char[] c = new char[20];
        digits(c, 0, d.getYear(), 4);
        c[4] = '-';
        digits(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secs / 3600, 2);
        c[13] = ':';
        digits(c, 14, secs / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secs % 60, 2);
        c[19] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int at, int v, int n) {
        for (int i = at + n - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }

    static String age(long epochSecond) {
        long s = Math.max(0, Instant.now().getEpochSecond() - epochSecond);
        if (s < 120) {
            return s + "s";
        }
        if (s < 3600 * 3) {
            return (s / 60) + "m";
        }
        if (s < 86400 * 2) {
            return (s / 3600) + "h";
        }
        return (s / 86400) + "d";
    }

    static String podIp(SimPod p) {
        return "10.244." + (p.nodeIndex % 256) + "." + (p.index % 250 + 2);
    }

    private static void labels(JsonGenerator g, Map<String, String> labels) throws IOException {
        g.writeObjectFieldStart("labels");
        for (var e : labels.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    static void nodeMetadata(JsonGenerator g, SimNode n) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", n.name);
        g.writeStringField("uid", n.uid());
        g.writeStringField("resourceVersion", Long.toString(n.resourceVersion));
        g.writeStringField("creationTimestamp", time(n.creationEpochSecond));
        labels(g, n.labels);
        g.writeObjectFieldStart("annotations");
        g.writeStringField("node.alpha.kubernetes.io/ttl", "0");
        g.writeStringField("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        g.writeEndObject();
        g.writeEndObject();
    }

    static void node(JsonGenerator g, SimNode n, boolean metadataOnly, boolean withTypeMeta) throws IOException {
        g.writeStartObject();
        if (withTypeMeta) {
            typeMeta(g, metadataOnly ? "PartialObjectMetadata" : "Node", metadataOnly ? "meta.k8s.io/v1" : "v1");
        }
        nodeMetadata(g, n);
        if (!metadataOnly) {
            g.writeObjectFieldStart("spec");
            g.writeStringField("podCIDR", "10.244." + (n.index % 256) + ".0/24");
            g.writeEndObject();
            g.writeObjectFieldStart("status");
            resources(g, "capacity");
            resources(g, "allocatable");
            g.writeArrayFieldStart("conditions");
            condition(g, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", n.creationEpochSecond);
            condition(g, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", n.creationEpochSecond);
            condition(g, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", n.creationEpochSecond);
            condition(g, "Ready", "True", "KubeletReady", "kubelet is posting ready status", n.creationEpochSecond);
            g.writeEndArray();
            g.writeArrayFieldStart("addresses");
            address(g, "InternalIP", n.address);
            address(g, "ExternalIP", "192.0.2." + (n.index % 254 + 1));
            address(g, "Hostname", n.name);
            g.writeEndArray();
            g.writeObjectFieldStart("daemonEndpoints");
            g.writeObjectFieldStart("kubeletEndpoint");
            g.writeNumberField("Port", n.port);
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("nodeInfo");
            g.writeStringField("machineID", Uids.uid(0x3ac, n.index).replace("-", ""));
            g.writeStringField("systemUUID", Uids.uid(0x595, n.index));
            g.writeStringField("bootID", Uids.uid(0xb007, n.index));
            g.writeStringField("kernelVersion", "6.1.0-sim");
            g.writeStringField("osImage", "Debian GNU/Linux 12 (bookworm)");
            g.writeStringField("containerRuntimeVersion", "containerd://1.7.24");
            g.writeStringField("kubeletVersion", KUBELET_VERSION);
            g.writeStringField("kubeProxyVersion", KUBELET_VERSION);
            g.writeStringField("operatingSystem", "linux");
            g.writeStringField("architecture", "amd64");
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void resources(JsonGenerator g, String field) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("cpu", Integer.toString(LoadProfile.NODE_CPU_CORES));
        g.writeStringField("ephemeral-storage", "102400Mi");
        g.writeStringField("hugepages-2Mi", "0");
        g.writeStringField("memory", "32Gi");
        g.writeStringField("pods", "110");
        g.writeEndObject();
    }

    private static void condition(JsonGenerator g, String type, String status, String reason, String message, long since) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeStringField("status", status);
        g.writeStringField("lastHeartbeatTime", time(Instant.now().getEpochSecond() / 60 * 60));
        g.writeStringField("lastTransitionTime", time(since));
        if (reason != null) {
            g.writeStringField("reason", reason);
            g.writeStringField("message", message);
        }
        g.writeEndObject();
    }

    private static void address(JsonGenerator g, String type, String addr) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeStringField("address", addr);
        g.writeEndObject();
    }

    static void typeMeta(JsonGenerator g, String kind, String apiVersion) throws IOException {
        g.writeStringField("kind", kind);
        g.writeStringField("apiVersion", apiVersion);
    }

    private static void podMetadata(JsonGenerator g, SimPod p, String uid) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", p.name);
        g.writeStringField("namespace", p.namespace);
        g.writeStringField("uid", uid);
        g.writeStringField("resourceVersion", Long.toString(p.resourceVersion));
        g.writeStringField("creationTimestamp", time(p.creationEpochSecond));
        labels(g, p.labels);
        g.writeEndObject();
    }

    static void pod(JsonGenerator g, SimPod p, boolean metadataOnly, boolean withTypeMeta) throws IOException {
        g.writeStartObject();
        if (withTypeMeta) {
            typeMeta(g, metadataOnly ? "PartialObjectMetadata" : "Pod", metadataOnly ? "meta.k8s.io/v1" : "v1");
        }
        String uid = p.uid();
        podMetadata(g, p, uid);
        if (!metadataOnly) {
            g.writeObjectFieldStart("spec");
            g.writeArrayFieldStart("containers");
            for (SimContainer c : p.containers) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("image", "registry.k8s.io/pause:3.10");
                g.writeObjectFieldStart("resources");
                g.writeObjectFieldStart("requests");
                g.writeStringField("cpu", c.millicores() + "m");
                g.writeStringField("memory", (c.memoryBytes() / LoadProfile.MIB) + "Mi");
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("restartPolicy", "Always");
            g.writeStringField("schedulerName", "default-scheduler");
            g.writeStringField("serviceAccountName", "default");
            g.writeStringField("nodeName", p.nodeName());
            g.writeEndObject();
            g.writeObjectFieldStart("status");
            g.writeStringField("phase", p.phase);
            g.writeArrayFieldStart("conditions");
            condition(g, "Ready", "Running".equals(p.phase) ? "True" : "False", null, null, p.creationEpochSecond);
            g.writeEndArray();
            g.writeStringField("podIP", podIp(p));
            g.writeStringField("startTime", time(p.creationEpochSecond));
            g.writeArrayFieldStart("containerStatuses");
            String containerIdPrefix = "containerd://" + uid.replace("-", "");
            for (SimContainer c : p.containers) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeBooleanField("ready", true);
                g.writeNumberField("restartCount", c.restartCount());
                g.writeBooleanField("started", true);
                g.writeObjectFieldStart("state");
                g.writeObjectFieldStart("running");
                g.writeStringField("startedAt", time(c.startEpochSecond()));
                g.writeEndObject();
                g.writeEndObject();
                g.writeStringField("image", "registry.k8s.io/pause:3.10");
                g.writeStringField("containerID", containerIdPrefix + c.name());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("qosClass", "Burstable");
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static int readyContainers(SimPod p) {
        return "Running".equals(p.phase) ? p.containers.length : 0;
    }

    static int restarts(SimPod p) {
        int r = 0;
        for (SimContainer c : p.containers) {
            r += c.restartCount();
        }
        return r;
    }

    /** Kubernetes Status object (always with kind/apiVersion/metadata, as kubectl prints its message). */
    static void status(JsonGenerator g, int code, String reason, String message, String group, String kind, String name) throws IOException {
        g.writeStartObject();
        typeMeta(g, "Status", "v1");
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
        g.writeStringField("status", "Failure");
        g.writeStringField("message", message);
        g.writeStringField("reason", reason);
        if (kind != null) {
            g.writeObjectFieldStart("details");
            if (name != null) {
                g.writeStringField("name", name);
            }
            if (group != null) {
                g.writeStringField("group", group);
            }
            g.writeStringField("kind", kind);
            g.writeEndObject();
        }
        g.writeNumberField("code", code);
        g.writeEndObject();
    }

    static String truncatedNow() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }
}
