package io.kma.kube.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

class CachesTest {

    private static PodInfo pod(String ns, String name) {
        return new PodInfo(ns, name, Map.of(), null);
    }

    private static List<String> keys(Collection<PodInfo> pods) {
        return pods.stream().map(p -> p.namespace() + "/" + p.name()).toList();
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
        assertEquals(null, new PodMetadataDecoder(new Interner()).decode(m.readTree("{\"metadata\":{\"name\":\"x\"}}")));
    }

    @Test
    void podsKeepTheirNodeName() throws Exception {
        ObjectMapper m = new ObjectMapper();
        PodMetadataDecoder d = new PodMetadataDecoder(new Interner());
        var p = d.decode(m.readTree("{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"},\"spec\":{\"nodeName\":\"worker-1\","
                + "\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\"}}"));
        assertEquals("worker-1", p.nodeName());
        assertEquals(null, d.decode(m.readTree("{\"metadata\":{\"namespace\":\"ns\",\"name\":\"p\"}}")).nodeName());
        assertEquals("application/json", ClusterCaches.POD_WATCH_ACCEPT, "full pods: PartialObjectMetadata has no spec");
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
