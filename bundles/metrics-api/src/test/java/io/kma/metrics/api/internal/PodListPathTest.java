package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.PodUsage;
import io.kma.metrics.api.wire.MetricsWire;
import io.kma.shared.labels.LabelSelector;
import io.kma.store.internal.InMemoryMetricsStore;

/**
 * The pod list path ({@link ResourceResponder#writePodList}) over the real store, against the reference
 * encoders fed from {@link MetricsStore#podUsage}: byte for byte in JSON and protobuf, while the pairing of
 * pods and store handles is reused, and after the store replaced or dropped series, pods changed, and the
 * store itself was swapped; with a full protobuf list's measuring pass in one and in two halves.
 */
class PodListPathTest {

    private static final long T0 = Instant.parse("2026-12-03T04:00:00Z").toEpochMilli() * 1_000_000L;
    private static final long NOW = T0 + 40_000_000_000L;

    private final Generators generators = new Generators();
    private ResourceResponder responder;
    private final TreeMap<String, PodInfo> cluster = new TreeMap<>();
    private Collection<PodInfo> pods = List.of();

    /** One node's scrape: each pod's containers, with figures that differ per scrape. */
    private static NodeScrape scrape(String node, int scrape, Map<String, List<String>> podContainers) {
        long t = T0 + scrape * 15_000_000_000L;
        List<ContainerSample> samples = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, List<String>> e : podContainers.entrySet()) {
            String[] nsPod = e.getKey().split("/");
            for (String c : e.getValue()) {
                k++;
                samples.add(new ContainerSample(new String(nsPod[0]), new String(nsPod[1]), c,
                        new MetricPoint(t + k * 1_000_000L, (scrape + 1) * k * 1_234_567_000L, 1_000_000L * k + scrape,
                                T0 - 3_600_000_000_000L)));
            }
        }
        return new NodeScrape(node, new MetricPoint(t, scrape * 1_000_000_000L, 1L << 30, 0), samples);
    }

    private void pod(String ns, String name, Map<String, String> labels) {
        cluster.put(ns + "\0" + name, new PodInfo(ns, name, labels, null, "n1"));
        pods = List.copyOf(cluster.values()); // a new collection, as kube-client returns after a change
    }

    /** The JSON list as the streaming writer writes it from podUsage. */
    private String expectedJson(MetricsStore store, LabelSelector labels) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = generators.createForMetrics(out, false)) {
            MetricsWriter w = new MetricsWriter(g, false, MetricsWriter.IncludeObject.METADATA, NOW, null);
            w.startList("PodMetricsList");
            for (PodInfo p : pods) {
                Optional<PodUsage> u = store.podUsage(p.namespace(), p.name());
                if (u.isPresent() && labels.matches(p.labels())) {
                    w.pod(p, u.get());
                }
            }
            w.endList();
            Generators.finish(g, false);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The protobuf list as the item encoders write it from podUsage. */
    private byte[] expectedProto(MetricsStore store) throws Exception {
        List<PodInfo> served = new ArrayList<>();
        List<PodUsage> usages = new ArrayList<>();
        for (PodInfo p : pods) {
            store.podUsage(p.namespace(), p.name()).ifPresent(u -> {
                served.add(p);
                usages.add(u);
            });
        }
        return PodLists.referenceProtobuf(served, usages, NOW);
    }

    private String json(MetricsStore store, LabelSelector labels, boolean all) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        responder.writePodList(out, false, pods, all, labels, FieldSelector.everything(), store);
        return out.toString(StandardCharsets.UTF_8);
    }

    private byte[] proto(MetricsStore store) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        responder.writePodList(out, true, pods, true, LabelSelector.everything(), FieldSelector.everything(), store);
        return out.toByteArray();
    }

    private void assertListsAreTheReference(MetricsStore store, int expectedPods) throws Exception {
        String json = json(store, LabelSelector.everything(), true);
        assertEquals(expectedJson(store, LabelSelector.everything()), json);
        assertEquals(json, json(store, LabelSelector.everything(), true), "the reused pairing lists the same");
        assertEquals(json, json(store, LabelSelector.everything(), false), "without a pairing (a namespace list)");
        byte[] proto = proto(store);
        assertArrayEquals(expectedProto(store), proto);
        assertArrayEquals(proto, proto(store), "the kept measuring table lists the same");
        assertEquals(expectedPods, MetricsWire.PodMetricsList.parseFrom(ProtobufWireTest.envelope(proto).getRaw())
                .getItemsCount());
        LabelSelector web = LabelSelector.parse("app=web");
        assertEquals(expectedJson(store, web), json(store, web, true), "a label selector over the pairing");
    }

    /**
     * @param halvesFrom the responder's smallest full protobuf list measured in two halves at once: never, or
     *                   every list (the halves' tables written one after the other, as one pass would write them)
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1})
    void listsAreTheReferenceThroughReplacedAndDroppedSeriesAndChangedPods(int halvesFrom) throws Exception {
        responder = new ResourceResponder(null, generators, SelfMetrics.newFreshnessHistogram(), () -> NOW,
                new KeptPairing(), halvesFrom);
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        Map<String, List<String>> containers = new TreeMap<>(Map.of("a/p1", List.of("app", "sidecar"),
                "a/p2", List.of("app"), "b/p3", List.of("c1", "c2", "c3"), "b/p4", List.of("app")));
        pod("a", "p1", Map.of("app", "web"));
        pod("a", "p2", Map.of("app", "db", "tier", "back"));
        pod("b", "p3", Map.of());
        pod("b", "p4", Map.of("app", "web"));
        pod("b", "no-metrics", Map.of("app", "web"));
        for (int scrape = 0; scrape < 2; scrape++) {
            store.storeNode(scrape("n1", scrape, containers));
            store.endCycle(Set.of());
        }
        assertListsAreTheReference(store, 4);
        String before = json(store, LabelSelector.everything(), true);

        // a scrape updates the series in place: the same pairing lists the new figures
        store.storeNode(scrape("n1", 2, containers));
        store.endCycle(Set.of());
        assertTrue(!before.equals(json(store, LabelSelector.everything(), true)), "new figures listed");
        assertListsAreTheReference(store, 4);

        // p1's containers change (a new series), p2 is gone from the store, p3 is relabelled in the cluster
        containers.put("a/p1", List.of("app", "debug", "sidecar"));
        containers.remove("a/p2");
        containers.put("b/no-metrics", List.of("late"));
        store.storeNode(scrape("n1", 3, containers));
        store.endCycle(Set.of());
        store.storeNode(scrape("n1", 4, containers));
        store.endCycle(Set.of());
        pod("b", "p3", Map.of("app", "web"));
        assertListsAreTheReference(store, 4);
        assertTrue(json(store, LabelSelector.everything(), true).contains("\"name\":\"debug\""));

        // pods come before the others (the kept table's remembered metadata lengths shift by the merge walk),
        // p4's labels grow (a new object, its length measured again) and p1 is re-created with the same labels
        pod("a", "a-first", Map.of("app", "web"));
        pod("a", "a-second", Map.of());
        pod("b", "p4", Map.of("app", "web", "pod-template-hash", "7d9f8c6b5d"));
        pod("a", "p1", Map.of("app", "web"));
        assertListsAreTheReference(store, 4);

        // the store is swapped (a new bundle): nothing of the old one is listed
        InMemoryMetricsStore swapped = new InMemoryMetricsStore();
        containers.clear();
        containers.put("b/p4", List.of("app"));
        for (int scrape = 0; scrape < 2; scrape++) {
            swapped.storeNode(scrape("n1", scrape, containers));
            swapped.endCycle(Set.of());
        }
        assertListsAreTheReference(swapped, 1);
    }
}
