package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;
import io.kma.metrics.api.wire.MetricsWire;

/** Pod lists from encoded metadata and usage written as bytes: the same bytes as the streaming writer and the item encoder. */
class PodListWriterTest {

    private static final long NOW = Instant.parse("2026-12-03T04:00:07.5Z").toEpochMilli() * 1_000_000L;
    private final Generators generators = new Generators();

    private static PodInfo pod(String ns, String name, Map<String, String> labels) {
        return new PodInfo(ns, name, labels, null);
    }

    private static PodUsage usage(String ns, String name, long t, String... containers) {
        List<ContainerUsage> c = new ArrayList<>();
        for (int i = 0; i < containers.length; i++) {
            c.add(new ContainerUsage(containers[i], new Usage(1_234_567L * (i + 1), 12_533_760L + 1024L * i)));
        }
        return new PodUsage(ns, name, t, 14_900_000_000L + 1_000L * containers.length, c);
    }

    private String streamed(List<PodInfo> pods, List<PodUsage> usages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = generators.createForMetrics(out, false)) {
            MetricsWriter w = new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null);
            w.startList("PodMetricsList");
            for (int i = 0; i < pods.size(); i++) {
                w.pod(pods.get(i), usages.get(i));
            }
            w.endList();
            Generators.finish(g, false);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String concatenated(List<PodInfo> pods, List<PodUsage> usages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PodLists.json(out, generators, pods, usages, NOW);
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<PodInfo> pods() {
        Map<String, String> unsorted = new LinkedHashMap<>();
        unsorted.put("tier", "web");
        unsorted.put("app", "shop");
        unsorted.put("pod-template-hash", "7d9f8c6b5d");
        return List.of(pod("default", "web-1", unsorted), pod("kube-system", "dns", Map.of()),
                pod("ns2", "zero-time", Map.of("a", "b")), pod("ns3", "odd-container", Map.of()));
    }

    private List<PodUsage> usages() {
        return List.of(usage("default", "web-1", NOW - 4_000_000_000L, "app", "istio-proxy"),
                usage("kube-system", "dns", NOW - 9_000_000_000L, "coredns"), usage("ns2", "zero-time", 0, "c"),
                new PodUsage("ns3", "odd-container", NOW, 900_000L, // a window in µs, a name that needs escaping
                        List.of(new ContainerUsage("quote\"é", new Usage(0, 1000)))));
    }

    @Test
    void jsonListIsByteForByteTheStreamedOne() throws Exception {
        String expected = streamed(pods(), usages());
        assertEquals(expected, concatenated(pods(), usages()));
        assertTrue(expected.contains("\"window\":\"900µs\""), expected);
        assertEquals(streamed(List.of(), List.of()), concatenated(List.of(), List.of()), "empty list");
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[]}\n",
                concatenated(List.of(), List.of()));
        // a second list from the same writer's inputs is the same
        assertEquals(expected, concatenated(pods(), usages()));
    }

    @Test
    void jsonListLargerThanOneChunkIsComplete() throws Exception {
        List<PodInfo> pods = new ArrayList<>();
        List<PodUsage> usages = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) { // about 3 chunks
            pods.add(pod("ns-" + i / 100, "pod-" + i, Map.of("app", "a" + i % 7)));
            usages.add(usage("ns-" + i / 100, "pod-" + i, NOW - i * 1_000_000L, "app", "sidecar"));
        }
        String expected = streamed(pods, usages);
        assertTrue(expected.length() > 2 * PodListWriter.CHUNK, "the test spans chunks: " + expected.length());
        assertEquals(expected, concatenated(pods, usages));
    }

    @Test
    void protobufListIsByteForByteTheItemEncoders() throws Exception {
        List<PodInfo> pods = pods();
        List<PodUsage> usages = usages();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long length = PodLists.protobuf(out, generators, pods, usages, NOW);
        assertArrayEquals(PodLists.referenceProtobuf(pods, usages, NOW), out.toByteArray());
        assertEquals(out.size(), length);
        MetricsWire.PodMetricsList list = MetricsWire.PodMetricsList.parseFrom(
                ProtobufWireTest.envelope(out.toByteArray()).getRaw());
        assertEquals(4, list.getItemsCount());
        assertEquals("quote\"é", list.getItems(3).getContainers(0).getName());
    }

    @Test
    void namesAndLabelsThatNeedEscapingAreWrittenAsJacksonWritesThem() throws Exception {
        Map<String, String> odd = new LinkedHashMap<>();
        odd.put("z\"quote", "tab\there");
        odd.put("a/é", "<&>");
        odd.put("m", "x");
        List<PodInfo> pods = new ArrayList<>(List.of(pod("ns\"1", "pod\\é", odd), pod("", "no-namespace", null),
                pod(null, "null-namespace", Map.of("k", "v")), pod("ns", "same-labels-1", odd),
                pod("ns", "same-labels-2", odd)));
        List<PodUsage> usages = new ArrayList<>();
        for (PodInfo p : pods) {
            usages.add(usage(p.namespace(), p.name(), NOW - 1_000_000_000L, "c"));
        }
        for (int i = 0; i < 600; i++) { // more label maps than the label cache has slots
            pods.add(pod("many", "pod-" + i, Map.of("app", "a" + i, "tier", "t" + i % 3)));
            usages.add(usage("many", "pod-" + i, NOW, "app"));
        }
        String expected = streamed(pods, usages);
        assertEquals(expected, concatenated(pods, usages));
        assertTrue(expected.contains("\"pod\\\\é\""), expected.substring(0, 300));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PodLists.protobuf(out, generators, pods, usages, NOW);
        assertArrayEquals(PodLists.referenceProtobuf(pods, usages, NOW), out.toByteArray());
        MetricsWire.PodMetricsList list = MetricsWire.PodMetricsList.parseFrom(
                ProtobufWireTest.envelope(out.toByteArray()).getRaw());
        assertEquals("<&>", list.getItems(0).getMetadata().getLabelsMap().get("a/é"));
    }
}
