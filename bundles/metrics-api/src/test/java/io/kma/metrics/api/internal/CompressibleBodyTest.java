package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Accept-Encoding as k8s.io/apiserver's negotiateContentEncoding reads it; the bodies are in HttpsEndpointTest. */
class CompressibleBodyTest {

    @Test
    void aPodListsFirstWriteIsAboveTheThresholdSoLargeListsAreCompressed() {
        // CompressibleBody decides on the first write; the pod list writers hand over CHUNK bytes at a time, so
        // "first write above THRESHOLD" means "body above THRESHOLD" (upstream's rule) only while CHUNK is larger
        assertTrue(PodListWriter.CHUNK > CompressibleBody.THRESHOLD,
                "PodListWriter.CHUNK " + PodListWriter.CHUNK + " <= THRESHOLD " + CompressibleBody.THRESHOLD);
    }

    @Test
    void gzipIsAcceptedOnlyAsItsOwnToken() {
        assertTrue(CompressibleBody.acceptsGzip("gzip"));
        assertTrue(CompressibleBody.acceptsGzip("deflate, gzip"));
        assertTrue(CompressibleBody.acceptsGzip(" gzip ,br"));
        assertFalse(CompressibleBody.acceptsGzip(null));
        assertFalse(CompressibleBody.acceptsGzip(""));
        assertFalse(CompressibleBody.acceptsGzip("identity"));
        assertFalse(CompressibleBody.acceptsGzip("gzip;q=0"), "a token with parameters is not gzip, as upstream");
        assertFalse(CompressibleBody.acceptsGzip("x-gzip, br"));
        assertTrue(CompressibleBody.acceptsGzip(",,,,,,,,,,,,,,,,,,,,,,gzip,"));
    }
}
