package io.kma.kube.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

class CachesTest {

    private static PodInfo pod(String ns, String name) {
        return new PodInfo(ns, name, Map.of(), null);
    }

    private static List<String> keys(Collection<PodInfo> pods) {
        return pods.stream().map(p -> p.namespace() + "/" + p.name()).toList();
    }

    private static PodInfo on(String node, String ns, String name, String label) {
        return new PodInfo(ns, name, Map.of("l", label), null, node);
    }

    /** The scraper trusts a node's pods as long as this number stays: every change on the node must move it. */
    @Test
    void aNodesPodVersionMovesWithEveryChangeOfItsPodsAndNeverComesBack() {
        PodCache cache = new PodCache();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long neverListed = cache.nodeVersion("n1");
        assertTrue(neverListed != 0);
        cache.replace(List.of(on("n1", "a", "1", "x"), on("n2", "a", "2", "x")));
        long v1 = cache.nodeVersion("n1");
        long v2 = cache.nodeVersion("n2");
        assertTrue(seen.add(neverListed) && seen.add(v1), "a relist moves it");
        assertEquals(v1, cache.nodeVersion("n1"), "stable without changes");

        cache.upsert(on("n1", "a", "new", "x"));
        assertTrue(seen.add(cache.nodeVersion("n1")), "a new pod moves its node's number");
        v1 = cache.nodeVersion("n1");
        cache.upsert(on("n1", "a", "1", "x")); // the same pod again: nothing changed
        assertEquals(v1, cache.nodeVersion("n1"));
        cache.upsert(on("n1", "a", "1", "y"));
        long changed = cache.nodeVersion("n1");
        assertTrue(seen.add(changed), "a changed pod moves its node's number");
        assertEquals(v2, cache.nodeVersion("n2"), "and no other node's");

        cache.upsert(on("n2", "a", "1", "y")); // the pod now says another node
        long movedAway = cache.nodeVersion("n1");
        long movedTo = cache.nodeVersion("n2");
        assertTrue(seen.add(movedAway) && seen.add(movedTo), "a pod that changed nodes moves both");

        cache.delete(on(null, "a", "1", "y")); // a deletion names the pod; the cache knows its node
        assertTrue(seen.add(cache.nodeVersion("n2")));
        assertEquals(movedAway, cache.nodeVersion("n1"));

        cache.upsert(on(null, "a", "3", "x")); // not scheduled: no node's business
        assertEquals(movedAway, cache.nodeVersion("n1"));

        cache.replace(List.of(on("n2", "a", "2", "x")));
        long relisted = cache.nodeVersion("n1");
        assertTrue(seen.add(relisted), "a relist moves a node that lost every pod, to a new number");
        assertEquals(relisted, cache.nodeVersion("n3"), "as every node without a change since");
    }

    @Test
    void nodesComingAndGoingDoNotGrowTheNodeNumbersForEver() {
        PodCache cache = new PodCache();
        cache.replace(List.of(on("keep", "a", "0", "x")));
        cache.upsert(on("keep", "a", "1", "x"));
        long kept = cache.nodeVersion("keep");
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) { // autoscaled nodes, each with one pod that came and went
            cache.upsert(on("n" + i, "b", "p" + i, "x"));
            seen.add(cache.nodeVersion("n" + i));
            cache.delete(on(null, "b", "p" + i, "x"));
        }
        assertTrue(cache.nodeVersion("keep") != kept, "starting again moves every node's number, so none stays trusted");
        assertTrue(!seen.contains(cache.nodeVersion("keep")) && !seen.contains(cache.nodeVersion("n0")),
                "and to numbers not given out before");
        assertTrue(cache.trackedNodes() <= 4_096, cache.trackedNodes() + " node numbers kept");
    }

    @Test
    void aStaleFullListIsNotKept() {
        PodCache cache = new PodCache();
        cache.replace(List.of(pod("a", "1"), pod("b", "2")));
        cache.all();
        assertTrue(cache.keepsFullList());
        cache.upsert(pod("a", "1")); // unchanged pod: the list is still current
        assertTrue(cache.keepsFullList());
        cache.delete(pod("b", "2"));
        assertFalse(cache.keepsFullList(), "a deletion drops the list that still holds the deleted pod");
        assertEquals(List.of("a/1"), keys(cache.all()));
        cache.upsert(pod("c", "3"));
        assertFalse(cache.keepsFullList(), "an addition drops it too");
        cache.all();
        cache.replace(List.of(pod("a", "1")));
        assertFalse(cache.keepsFullList(), "a re-list drops it");
    }

    @Test
    void fullListIsReusedUntilAChange() {
        PodCache cache = new PodCache();
        cache.replace(List.of(pod("b", "2"), pod("a", "9"), pod("b", "1")));
        Collection<PodInfo> first = cache.all();
        assertEquals(List.of("a/9", "b/1", "b/2"), keys(first));
        assertSame(first, cache.all(), "no change: same list");
        cache.upsert(pod("a", "0"));
        assertEquals(List.of("a/0", "a/9", "b/1", "b/2"), keys(cache.all()));
        cache.delete(pod("b", "1"));
        Collection<PodInfo> afterDelete = cache.all();
        assertEquals(List.of("a/0", "a/9", "b/2"), keys(afterDelete));
        assertNotSame(first, afterDelete);
        cache.delete(pod("zz", "none"));
        assertSame(afterDelete, cache.all(), "deleting an unknown pod changes nothing");
        assertEquals(3, cache.size());
        cache.replace(List.of(pod("c", "1")));
        assertEquals(List.of("c/1"), keys(cache.all()));
        assertEquals(1, cache.size());
        assertEquals(1, cache.namespaces());
    }

    /** Random changes against a sorted model, read after each: exercises patching (few changes) and sorting (many). */
    @Test
    void sortedListsFollowRandomChanges() {
        java.util.Random random = new java.util.Random(42);
        PodCache cache = new PodCache();
        java.util.TreeMap<String, PodInfo> model = new java.util.TreeMap<>();
        List<PodInfo> initial = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            PodInfo p = new PodInfo("ns-" + i % 3, "pod-" + random.nextInt(1000), Map.of(), null);
            initial.add(p);
            model.put(p.namespace() + "/" + p.name(), p);
        }
        cache.replace(initial);
        for (int round = 0; round < 400; round++) {
            int changes = round % 10 == 0 ? 60 : 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                PodInfo p = new PodInfo("ns-" + random.nextInt(4), "pod-" + random.nextInt(1000),
                        Map.of("v", Integer.toString(random.nextInt(3))), null);
                String key = p.namespace() + "/" + p.name();
                if (random.nextInt(3) == 0) {
                    cache.delete(p);
                    model.remove(key);
                } else {
                    cache.upsert(p);
                    model.merge(key, p, (old, now) -> old.equals(now) ? old : now);
                }
            }
            assertEquals(List.copyOf(model.values()), List.copyOf(cache.all()), "round " + round);
            String ns = "ns-" + random.nextInt(4);
            assertEquals(model.subMap(ns + "/", ns + "0").values().stream().toList(), List.copyOf(cache.inNamespace(ns)));
            assertEquals(model.size(), cache.size());
        }
        for (PodInfo p : model.values()) {
            assertSame(p, cache.get(p.namespace(), p.name()).orElseThrow());
        }
    }

    /** Readers during the writer's changes always see sorted lists without duplicates, then the final state. */
    @Test
    void readersDuringChangesSeeSortedLists() throws Exception {
        PodCache cache = new PodCache();
        java.util.TreeMap<String, PodInfo> model = new java.util.TreeMap<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Runnable reader = () -> {
            try {
                for (int i = 0; i < 200_000 && !done.get(); i++) {
                    List<PodInfo> all = List.copyOf(cache.all());
                    for (int j = 1; j < all.size(); j++) {
                        String a = all.get(j - 1).namespace() + "/" + all.get(j - 1).name();
                        String b = all.get(j).namespace() + "/" + all.get(j).name();
                        assertTrue(a.compareTo(b) < 0, a + " before " + b);
                    }
                    List<PodInfo> ns = List.copyOf(cache.inNamespace("ns-1"));
                    for (int j = 1; j < ns.size(); j++) {
                        assertTrue(ns.get(j - 1).name().compareTo(ns.get(j).name()) < 0);
                    }
                    cache.get("ns-1", "pod-" + i % 500);
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread r1 = new Thread(reader);
        Thread r2 = new Thread(reader);
        r1.start();
        r2.start();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 50_000; i++) {
            PodInfo p = new PodInfo("ns-" + random.nextInt(3), "pod-" + random.nextInt(500),
                    Map.of("v", Integer.toString(random.nextInt(2))), null);
            if (random.nextInt(3) == 0) {
                cache.delete(p);
                model.remove(p.namespace() + "/" + p.name());
            } else {
                cache.upsert(p);
                model.merge(p.namespace() + "/" + p.name(), p, (old, now) -> old.equals(now) ? old : now);
            }
        }
        done.set(true);
        r1.join(10_000);
        r2.join(10_000);
        assertEquals(null, failure.get());
        assertTrue(reads.get() > 0);
        assertEquals(List.copyOf(model.values()), List.copyOf(cache.all()));
    }

    @Test
    void anUnchangedPodKeepsItsInstanceAndTheLists() {
        PodCache cache = new PodCache();
        PodInfo first = new PodInfo("a", "1", Map.of("app", "x"), null, "node-1");
        cache.replace(List.of(first));
        Collection<PodInfo> all = cache.all();
        Collection<PodInfo> ns = cache.inNamespace("a");
        cache.upsert(new PodInfo("a", "1", Map.of("app", "x"), null, "node-1")); // a status-only MODIFIED event
        assertSame(first, cache.get("a", "1").orElseThrow());
        assertSame(all, cache.all());
        assertSame(ns, cache.inNamespace("a"));
        cache.upsert(new PodInfo("a", "1", Map.of("app", "y"), null, "node-1"));
        assertEquals("y", cache.get("a", "1").orElseThrow().labels().get("app"));
        assertNotSame(all, cache.all());
        assertEquals(List.of(), cache.inNamespace("none"));
    }

    @Test
    void nodesSortedAndReusedUntilAChange() {
        NodeCache cache = new NodeCache();
        cache.replace(List.of(node("b"), node("c"), node("a")));
        Collection<io.kma.api.cluster.NodeInfo> first = cache.all();
        assertEquals(List.of("a", "b", "c"), first.stream().map(io.kma.api.cluster.NodeInfo::name).toList());
        assertSame(first, cache.all());
        cache.upsert(node("b"));
        assertSame(first, cache.all(), "an equal node changes nothing");
        cache.delete(node("a"));
        assertEquals(List.of("b", "c"), cache.all().stream().map(io.kma.api.cluster.NodeInfo::name).toList());
        assertTrue(cache.get("a").isEmpty());
        assertEquals("c", cache.get("c").orElseThrow().name());
        assertEquals(2, cache.size());
    }

    private static io.kma.api.cluster.NodeInfo node(String name) {
        return new io.kma.api.cluster.NodeInfo(name, Map.of(), Map.of(), List.of(), 10250, true, null);
    }

    @Test
    void decodersTolerateMissingFields() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertEquals(null, new NodeDecoder().decode(m.readTree("{\"metadata\":{}}")));
        var n = new NodeDecoder().decode(m.readTree("{\"metadata\":{\"name\":\"bare\"}}"));
        assertEquals(0, n.kubeletPort());
        assertEquals(false, n.ready());
        assertEquals(Map.of(), n.labels());
        assertEquals(List.of(), n.addresses());
        assertEquals(null, n.creationTimestamp());
        assertEquals(null, decode(new PodMetadataDecoder(new Interner()), "{\"metadata\":{\"name\":\"x\"}}"));
    }

    @Test
    void podsKeepTheirNodeName() throws Exception {
        PodMetadataDecoder d = new PodMetadataDecoder(new Interner());
        var p = decode(d, "{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"},\"spec\":{\"nodeName\":\"worker-1\","
                + "\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\"}}");
        assertEquals("worker-1", p.nodeName());
        assertEquals(null, decode(d, "{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"}}").nodeName());
        assertEquals("application/json", ClusterCaches.POD_WATCH_ACCEPT, "full pods: PartialObjectMetadata has no spec");
    }

    /**
     * The one pod decoder (list items and watch events): fields in any order, unknown fields and fields of the
     * wrong shape skipped, the parser left at the pod's end, the resourceVersion handed out when asked for.
     */
    @Test
    void podDecoderReadsWhatItKeepsAndSkipsTheRest() throws Exception {
        PodMetadataDecoder d = new PodMetadataDecoder(new Interner());
        PodInfo full = decode(d, "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"resourceVersion\":\"77\","
                + "\"creationTimestamp\":\"2026-12-03T12:03:48Z\",\"labels\":{\"app\":\"a\",\"empty\":null,\"n\":5},"
                + "\"ownerReferences\":[{\"name\":\"rs\"}]},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{}}],"
                + "\"nodeName\":\"node-1\"},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\"}]}}");
        assertEquals(new PodInfo("ns", "p", Map.of("app", "a", "empty", "", "n", "5"),
                java.time.Instant.parse("2026-12-03T12:03:48Z"), "node-1"), full);
        assertEquals(new PodInfo("ns", "late-metadata", Map.of(), null, null), decode(d,
                "{\"spec\":{\"nodeName\":\"\"},\"metadata\":{\"namespace\":\"ns\",\"name\":\"late-metadata\",\"labels\":{}}}"));
        assertEquals(new PodInfo("ns", "bad-time", Map.of(), null, null), decode(d, "{\"metadata\":{\"namespace\":\"ns\","
                + "\"name\":\"bad-time\",\"creationTimestamp\":\"yesterday\",\"labels\":[1]},\"spec\":{\"nodeName\":null}}"));
        for (String absent : new String[] {"{\"metadata\":{\"namespace\":\"ns\",\"name\":\"\"}}",
            "{\"metadata\":{\"name\":\"no-namespace\"}}", "{\"metadata\":[],\"spec\":[]}",
            "{\"metadata\":{\"namespace\":\"ns\",\"name\":{\"a\":[1,{\"b\":2}]}}}", "{}"}) {
            assertEquals(null, decode(d, absent), absent);
        }
        String[] version = new String[1];
        try (JsonParser p = new ObjectMapper().getFactory().createParser(
                "{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"99\",\"namespace\":\"ns\",\"name\":\"p\"}}")) {
            p.nextToken();
            assertEquals("p", d.decode(p, new ObjectMapper(), v -> version[0] = v).name());
        }
        assertEquals("99", version[0]);
    }

    @Test
    void podsCreatedInTheSameSecondShareTheirInstant() throws Exception {
        PodMetadataDecoder d = new PodMetadataDecoder(new Interner());
        String pod = "{\"metadata\":{\"namespace\":\"ns\",\"name\":\"%s\",\"creationTimestamp\":\"%s\"}}";
        PodInfo a = decode(d, pod.formatted("a", "2026-12-03T12:03:48Z"));
        PodInfo b = decode(d, pod.formatted("b", "2026-12-03T12:03:48Z"));
        PodInfo c = decode(d, pod.formatted("c", "2026-12-03T12:03:49Z"));
        PodInfo e = decode(d, pod.formatted("e", "2026-12-03T12:20:52Z")); // 1,024 s later: the same slot
        PodInfo f = decode(d, pod.formatted("f", "2026-12-03T12:03:48Z"));
        assertSame(a.creationTimestamp(), b.creationTimestamp());
        assertEquals(java.time.Instant.parse("2026-12-03T12:03:49Z"), c.creationTimestamp());
        assertEquals(java.time.Instant.parse("2026-12-03T12:20:52Z"), e.creationTimestamp());
        assertEquals(a.creationTimestamp(), f.creationTimestamp());
        assertNotSame(a.creationTimestamp(), f.creationTimestamp(), "the slot was taken over in between");
    }

    /** Skipped parts are still bounded by the parser's nesting limit: an error, never a stack overflow. */
    @Test
    void deeplyNestedPodIsRefused() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String json = "{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"},\"status\":{\"x\":" + deep + "}}";
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> decode(new PodMetadataDecoder(new Interner()), json));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }

    /** Decodes one object as the informer does, checking that the parser is left at its end. */
    static <T> T decode(Informer.Decoder<T> decoder, String json) throws java.io.IOException {
        ObjectMapper m = new ObjectMapper();
        try (JsonParser p = m.getFactory().createParser(json)) {
            p.nextToken();
            T value = decoder.decode(p, m, null);
            assertEquals(com.fasterxml.jackson.core.JsonToken.END_OBJECT, p.currentToken(), "left at the object's end: " + json);
            assertEquals(null, p.nextToken(), json);
            return value;
        }
    }

    @Test
    void timestampsParsedAsTheFullParserDoes() {
        for (String t : new String[] {"2026-12-03T12:03:48Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z",
                "2026-11-02T10:00:00.123Z", "2026-11-02T10:00:00+02:00"}) {
            assertEquals(java.time.OffsetDateTime.parse(t).toInstant(), Json.instant(t), t);
        }
        for (String bad : new String[] {"2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-03T24:00:00Z",
                "2026-12-03T12:60:00Z", "2026-12-0xT12:00:00Z", "yesterday", ""}) {
            assertEquals(null, Json.instant(bad), bad);
        }
        assertEquals(null, Json.utcSeconds("2026-11-02T10:00:00+02:00"), "other forms go to the full parser");
    }

    @Test
    void backoffDoublesWithJitterUpToTheMaximum() {
        Backoff b = new Backoff(500, 30_000, 0.2);
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long e : expected) {
            long d = b.next();
            assertTrue(d >= e * 0.8 - 1 && d <= e * 1.2 + 1, "delay " + d + " for base " + e);
        }
        b.reset();
        long d = b.next();
        assertTrue(d >= 399 && d <= 601, "after reset " + d);
    }
}
