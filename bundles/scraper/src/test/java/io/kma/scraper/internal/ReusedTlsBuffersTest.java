package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.util.Arrays;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/**
 * The client-libs bundle's patched httpcore SSLManagedBuffer (reused DYNAMIC TLS buffers) is the one this module
 * loads, from the bundle jar, and the real client over real TLS stops allocating a TLS buffer per unwrap.
 */
class ReusedTlsBuffersTest {

    private static final String BUFFER = "org.apache.hc.core5.reactor.ssl.SSLManagedBuffer";

    @Test
    void theClientLibsBundleJarCarriesThePatchedBuffer() throws Exception {
        Class<?> buffer = Class.forName(BUFFER);
        Class<?> session = Class.forName("org.apache.hc.core5.reactor.ssl.SSLIOSession");
        assertTrue(Arrays.stream(buffer.getDeclaredClasses()).anyMatch(c -> c.getSimpleName().equals("FreeArrays")),
                "the loaded SSLManagedBuffer is httpcore's own, not the patched one");
        URL where = buffer.getProtectionDomain().getCodeSource().getLocation();
        assertEquals(session.getProtectionDomain().getCodeSource().getLocation(), where,
                "SSLManagedBuffer and SSLIOSession come from different places");
        assertTrue(where.getPath().endsWith(".jar"), "expected the built client-libs bundle jar, got " + where
                + " (run after `mvn install` of bundles/client-libs)");
        try (JarFile jar = new JarFile(where.getPath())) {
            assertEquals("io.kma.client.libs", jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
            assertTrue(jar.getEntry("org/apache/hc/core5/reactor/ssl/SSLManagedBuffer$FreeArrays.class") != null);
        }
    }

    @Test
    void theRealClientDoesNotAllocateATlsBufferPerUnwrap() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // a Go kubelet's 4 KiB records: ~19 records and ~23 unwraps per 71 KB body, each unwrap a new ~16.7 KB
        // application buffer in httpcore 5.4.4 (ScrapeCostLoop: ~480 KB allocated per scrape before, ~60 KB after)
        try (ScrapeCostLoop.Rig rig = new ScrapeCostLoop.Rig(4096)) {
            rig.scrape(20);
            long alloc0 = ScrapeCostLoop.ioAllocated(threads);
            long unwraps0 = rig.counts.unwraps.sum();
            int n = 20;
            rig.scrape(n);
            double perScrape = (double) (ScrapeCostLoop.ioAllocated(threads) - alloc0) / n;
            double unwraps = (double) (rig.counts.unwraps.sum() - unwraps0) / n;
            assertTrue(unwraps >= 19, "fewer unwraps than records: " + unwraps);
            double oneBufferPerUnwrap = unwraps * 16_704;
            assertTrue(perScrape < oneBufferPerUnwrap / 2, String.format(
                    "%.0f bytes allocated per scrape on the I/O threads for %.1f unwraps: TLS buffers are not reused",
                    perScrape, unwraps));
        }
    }
}
