package io.kma.kube.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

/**
 * Any pod watch stream is read event by event into the cache or ends with an IOException (the informer then
 * resumes the watch), with a bounded message; the cache stays consistent either way. Seeds and crashes:
 * src/test/resources/io/kma/kube/client/internal/WatchEventFuzzTestInputs/events/.
 */
class WatchEventFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "5s")
    void events(byte[] body) {
        PodCache cache = new PodCache();
        Informer<PodInfo> informer = new Informer<>(ClusterCaches.PODS, new PodMetadataDecoder(new Interner()), cache,
                () -> null, InformerTiming.DEFAULT);
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    break; // the watch loop ends such a stream with an IOException of its own
                }
                informer.event(p, MAPPER);
            }
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().length() < 2 * Informer.MAX_MESSAGE + 1_024,
                    "bounded error text");
        }
        assertEquals(cache.size(), cache.all().size());
        for (PodInfo pod : cache.all()) {
            assertFalse(pod.name().isEmpty());
            assertEquals(pod, cache.get(pod.namespace(), pod.name()).orElseThrow());
        }
    }
}
