package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Accept-Encoding as k8s.io/apiserver's negotiateContentEncoding reads it; the bodies are in HttpsEndpointTest. */
class CompressibleBodyTest {

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
