package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;

/** Status bodies, object and list shapes, the Table: exact bytes. */
class DocumentsTest {

    static final long NOW = nanos("2026-08-04T10:00:05Z");
    private final Generators generators = new Generators();

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private String json(Body body) throws IOException {
        return render(body, false);
    }

    private String render(Body body, boolean yaml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = generators.create(out, yaml)) {
            body.write(g);
            Generators.finish(g, yaml);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static long nanos(String rfc3339) {
        Instant i = Instant.parse(rfc3339);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void statusBodies() throws IOException {
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"nodemetrics.metrics.k8s.io \\\"x\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"x\",\"group\":\"metrics.k8s.io\",\"kind\":\"nodemetrics\"},\"code\":404}\n",
                json(ApiStatus.notFound("metrics.k8s.io", "nodemetrics", "x")::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"pods \\\"x\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},\"code\":404}\n",
                json(ApiStatus.notFound("", "pods", "x")::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n",
                json(ApiStatus.unauthorized()::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"forbidden: User \\\"jane\\\" cannot get path \\\"/metrics\\\"\",\"reason\":\"Forbidden\","
                + "\"details\":{},\"code\":403}\n",
                json(ApiStatus.forbidden("", "", "", "User \"jane\" cannot get path \"/metrics\"")::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"watch is not supported on resources of kind \\\"pods.metrics.k8s.io\\\"\",\"reason\":\"MethodNotAllowed\","
                + "\"details\":{\"group\":\"metrics.k8s.io\",\"kind\":\"pods\"},\"code\":405}\n",
                json(ApiStatus.methodNotSupported("metrics.k8s.io", "pods", "watch")::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"\\\"\\u003cx\\u003e\\\" is bad\",\"reason\":\"BadRequest\",\"code\":400}\n",
                json(ApiStatus.badRequest("\"<x>\" is bad")::write), "Go escapes < and >");
    }

    static NodeInfo node(String name, Map<String, String> labels) {
        return new NodeInfo(name, labels, Map.of(), List.of(), 10250, true, null);
    }

    @Test
    void nodeMetricsAndListShapes() throws IOException {
        Map<String, String> labels = new TreeMap<>(Map.of("kubernetes.io/os", "linux", "kubernetes.io/hostname", "node1"));
        NodeUsage usage = new NodeUsage("node1", nanos("2026-08-04T10:00:01.5Z"), 15_012_000_000L,
                new Usage(179_554_087L, 1_629_532_160L));
        String item = "{\"metadata\":{\"name\":\"node1\",\"creationTimestamp\":\"2026-08-04T10:00:05Z\","
                + "\"labels\":{\"kubernetes.io/hostname\":\"node1\",\"kubernetes.io/os\":\"linux\"}},"
                + "\"timestamp\":\"2026-08-04T10:00:01Z\",\"window\":\"15.012s\",\"usage\":{\"cpu\":\"179554087n\",\"memory\":\"1591340Ki\"}}";
        assertEquals("{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[" + item + "]}\n",
                json(g -> {
                    MetricsWriter w = new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null);
                    w.startList("NodeMetricsList");
                    w.node(node("node1", labels), usage);
                    w.endList();
                }));
        assertEquals("{\"kind\":\"NodeMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\"," + item.substring(1) + "\n",
                json(g -> new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null)
                        .single(node("node1", labels), usage)));
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[]}\n",
                json(g -> {
                    MetricsWriter w = new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null);
                    w.startList("PodMetricsList");
                    w.endList();
                }));
    }

    @Test
    void podTableSumsContainers() throws IOException {
        PodInfo pod = new PodInfo("ns1", "pod1", Map.of("app", "web"), null);
        PodUsage usage = new PodUsage("ns1", "pod1", nanos("2026-08-04T10:00:01Z"), 1_000L, List.of(
                new ContainerUsage("a", new Usage(4_000_000L, 2 * 1024 * 1024L)),
                new ContainerUsage("b", new Usage(6_000_000L, 3 * 1024 * 1024L))));
        String expected = "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},\"columnDefinitions\":["
                + "{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"Name of the resource\",\"priority\":0},"
                + "{\"name\":\"cpu\",\"type\":\"string\",\"format\":\"quantity\",\"description\":\"\",\"priority\":0},"
                + "{\"name\":\"memory\",\"type\":\"string\",\"format\":\"quantity\",\"description\":\"\",\"priority\":0},"
                + "{\"name\":\"Window\",\"type\":\"string\",\"format\":\"duration\",\"description\":\"\",\"priority\":0}],"
                + "\"rows\":[{\"cells\":[\"pod1\",\"10m\",\"5Mi\",\"1µs\"],\"object\":{\"kind\":\"PartialObjectMetadata\","
                + "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"pod1\",\"namespace\":\"ns1\","
                + "\"creationTimestamp\":\"2026-08-04T10:00:05Z\",\"labels\":{\"app\":\"web\"}}}}]}\n";
        assertEquals(expected, json(g -> {
            MetricsWriter w = new MetricsWriter(g, true, MetricsWriter.IncludeObject.METADATA, NOW, null);
            w.startList("PodMetricsList");
            w.pod(pod, usage);
            w.endList();
        }));
        assertEquals("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},\"columnDefinitions\":null,\"rows\":null}\n",
                json(g -> {
                    MetricsWriter w = new MetricsWriter(g, true, MetricsWriter.IncludeObject.METADATA, NOW, null);
                    w.startList("PodMetricsList");
                    w.endList();
                }), "an empty table has Go's nil slices");
    }

    @Test
    void yamlUsesTheSameStream() throws IOException {
        String yaml = render(g -> new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null)
                .single(node("n1", Map.of()), new NodeUsage("n1", nanos("2026-08-04T10:00:01Z"), 15_000_000_000L,
                        new Usage(500_000_000L, 5 * 1024 * 1024L))), true);
        assertEquals("kind: \"NodeMetrics\"\napiVersion: \"metrics.k8s.io/v1beta1\"\nmetadata:\n  name: \"n1\"\n"
                + "  creationTimestamp: \"2026-08-04T10:00:05Z\"\ntimestamp: \"2026-08-04T10:00:01Z\"\nwindow: \"15s\"\n"
                + "usage:\n  cpu: \"500m\"\n  memory: \"5Mi\"\n", yaml);
    }

    @Test
    void discoveryDocuments() throws IOException {
        assertEquals("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"metrics.k8s.io/v1beta1\","
                + "\"resources\":[{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"NodeMetrics\","
                + "\"verbs\":[\"get\",\"list\"]},{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}\n", json(Discovery::writeResourceList));
        assertEquals("{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":"
                + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}],\"preferredVersion\":{\"groupVersion\":"
                + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}}\n", json(Discovery::writeGroup));
    }
}
