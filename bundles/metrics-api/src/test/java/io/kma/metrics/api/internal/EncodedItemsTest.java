package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

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

/** Pod lists from pre-encoded items: the same bytes as the streaming writer, re-encoded only on change. */
class EncodedItemsTest {

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
        return new PodUsage(ns, name, t, 14_900_000_000L, c);
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

    private String concatenated(EncodedItems cache, List<PodInfo> pods, List<PodUsage> usages) throws Exception {
        List<EncodedItems.Item> items = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
            items.add(cache.get(pods.get(i), usages.get(i)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodedItems.writeJsonList(out, items, generators, NOW);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void concatenatedListIsByteForByteTheStreamedOne() throws Exception {
        Map<String, String> unsorted = new LinkedHashMap<>();
        unsorted.put("tier", "web");
        unsorted.put("app", "shop");
        unsorted.put("pod-template-hash", "7d9f8c6b5d");
        List<PodInfo> pods = List.of(pod("default", "web-1", unsorted), pod("kube-system", "dns", Map.of()),
                pod("ns2", "zero-time", Map.of("a", "b")));
        List<PodUsage> usages = List.of(usage("default", "web-1", NOW - 4_000_000_000L, "app", "istio-proxy"),
                usage("kube-system", "dns", NOW - 9_000_000_000L, "coredns"), usage("ns2", "zero-time", 0, "c"));
        EncodedItems cache = new EncodedItems();
        String expected = streamed(pods, usages);
        assertEquals(expected, concatenated(cache, pods, usages));
        assertEquals(streamed(List.of(), List.of()), concatenated(cache, List.of(), List.of()), "empty list");
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[]}\n",
                concatenated(cache, List.of(), List.of()));
        // a second list at another time reuses the items and only changes creationTimestamp
        String again = concatenated(cache, pods, usages);
        assertEquals(expected, again);
    }

    @Test
    void itemIsReencodedOnlyWhenMetadataOrUsageChanges() {
        EncodedItems cache = new EncodedItems();
        PodInfo info = pod("ns", "p", Map.of("app", "a"));
        PodUsage u1 = usage("ns", "p", NOW, "c");
        EncodedItems.Item first = cache.get(info, u1);
        byte[][] json = first.json(generators);
        assertSame(first, cache.get(info, u1));
        assertSame(json, cache.get(info, u1).json(generators), "encoded once per sample");
        assertSame(first.proto(), cache.get(info, u1).proto());
        PodUsage u2 = usage("ns", "p", NOW + 15_000_000_000L, "c");
        assertNotSame(first, cache.get(info, u2), "a new sample");
        PodInfo relabelled = pod("ns", "p", Map.of("app", "b"));
        EncodedItems.Item third = cache.get(relabelled, u2);
        assertEquals(true, new String(third.json(generators)[1], StandardCharsets.UTF_8).contains("\"app\":\"b\""));
        assertEquals(1, cache.size());
    }

    @Test
    void pruneForgetsPodsTheStoreNoLongerServes() {
        EncodedItems cache = new EncodedItems();
        Fakes.Store store = new Fakes.Store();
        PodUsage kept = usage("ns", "kept", NOW, "c");
        store.pods.put("ns/kept", kept);
        cache.get(pod("ns", "kept", Map.of()), kept);
        cache.get(pod("ns", "gone", Map.of()), usage("ns", "gone", NOW, "c"));
        cache.get(pod("other", "stale", Map.of()), usage("other", "stale", NOW, "c"));
        store.pods.put("other/stale", usage("other", "stale", NOW + 1, "c"));
        assertEquals(3, cache.size());
        cache.prune(store);
        assertEquals(1, cache.size());
    }
}
