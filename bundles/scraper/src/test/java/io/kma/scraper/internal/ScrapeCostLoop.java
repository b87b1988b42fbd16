package io.kma.scraper.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.testsupport.TestPki;

/**
 * CPU and allocation of the client's I/O threads (TLS, HTTP, parse, assemble) per scrape of a 70-pod body over one
 * kept-alive TLS connection, and what HttpCore's SSLIOSession did for it (read events, unwraps, TLS records: see
 * {@link CountingSslContext}), as a timed loop: not a test and not run by the build. The second argument makes the
 * stand-in kubelet write the body in flushed writes of that many bytes (4096: a Go kubelet's records; 0: the JDK
 * server's 16 KiB records, like the simulator's Undertow); a third argument "gzip" makes it gzip the body when the
 * client sends Accept-Encoding: gzip, as a real kubelet does. Compare two builds by running it alternately, e.g.
 * httpcore5's own SSLManagedBuffer (its jar first on the class path) against the client-libs bundle's:
 * <pre>
 * mvn -o -q -pl bundles/scraper test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * CP=bundles/scraper/target/test-classes:bundles/scraper/target/classes:$(cat bundles/scraper/target/cp.txt)
 * java -cp $CP io.kma.scraper.internal.ScrapeCostLoop 1500 4096
 * java -cp ~/.m2/repository/org/apache/httpcomponents/core5/httpcore5/5.4.4/httpcore5-5.4.4.jar:$CP \
 *      io.kma.scraper.internal.ScrapeCostLoop 1500 4096
 * </pre>
 */
public class ScrapeCostLoop {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        int writeBytes = a.length > 1 ? Integer.parseInt(a[1]) : 0;
        // "gzip": the stand-in gzips the body when the client asks for it, as a Go kubelet does
        boolean gzip = a.length > 2 && a[2].equals("gzip");
        try (Rig rig = new Rig(writeBytes)) {
            rig.kubelet.gzipWhenAsked = gzip;
            Class<?> buffer = Class.forName("org.apache.hc.core5.reactor.ssl.SSLManagedBuffer");
            boolean patched = java.util.Arrays.stream(buffer.getDeclaredClasses()).anyMatch(c -> c.getSimpleName().equals("FreeArrays"));
            System.out.printf("SSLManagedBuffer from %s (%s), body writes of %s%n",
                    buffer.getProtectionDomain().getCodeSource().getLocation(), patched ? "patched: reuses arrays" : "httpcore's own",
                    writeBytes > 0 ? writeBytes + " bytes" : "the whole body");
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 4; round++) {
                long cpu0 = ioCpu(t);
                long alloc0 = ioAllocated(t);
                long[] c0 = rig.counts.snapshot();
                rig.scrape(n);
                long cpu1 = ioCpu(t);
                long alloc1 = ioAllocated(t);
                long[] c1 = rig.counts.snapshot();
                double[] per = new double[c1.length];
                for (int i = 0; i < c1.length; i++) {
                    per[i] = (double) (c1[i] - c0[i]) / n;
                }
                System.out.printf("HTTP/1.1 buffers %d B: round %d: %.1f us CPU and %.0f bytes allocated on kma-kubelet-io"
                        + " per scrape (%d scrapes of %d bytes); per scrape: %.1f read events, %.1f unwraps (%.1f underflows),"
                        + " %.1f records of %.0f B, %.1f wraps%n", KubeletHttpClient.HTTP1_BUFFER_BYTES, round,
                        (cpu1 - cpu0) / 1e3 / n, (double) (alloc1 - alloc0) / n, n, rig.body.length, per[2], per[0], per[1],
                        per[3], per[3] == 0 ? 0 : per[4] / per[3], per[5]);
            }
        }
    }

    /**
     * The real KubeletHttpClient and NodeScraper over one kept-alive TLS connection to a stand-in kubelet answering a
     * 70-pod body, with the client's TLS engines counted.
     */
    static final class Rig implements AutoCloseable {
        final CountingSslContext.Counts counts = new CountingSslContext.Counts();
        final byte[] body = ResourceMetricsParserBenchmark.simulatedBody(1, 70);
        final KubeletStandIn kubelet;
        private final KubeletHttpClient http;
        private final NodeScraper scraper;
        private final KubeletCredentials credentials;
        private final NodeInfo node = new NodeInfo("sim-node-1", Map.of(), Map.of(),
                List.of(new NodeAddress("InternalIP", "127.0.0.1"), new NodeAddress("Hostname", "sim-node-1")), 0, true, null);
        private final List<KubeletEndpoint> eps;

        /** @param writeBytes the stand-in's write size (see {@link KubeletStandIn#writeBytes}) */
        Rig(int writeBytes) throws Exception {
            TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
            TestPki.Issued clientCa = TestPki.ca("client-ca");
            credentials = Fixtures.credentials(TestPki.client(clientCa, "CN=c").keyManager(), null, "c");
            kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "sim-node-1", "sim-node-1"), kubeletCa.cert(), clientCa.cert());
            kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, body, 0));
            kubelet.writeBytes = writeBytes;
            NodeNameVerifier verifier = new NodeNameVerifier();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new CredentialsKeyManager(credentials)},
                    new TrustManager[] {new KubeletTrustManager(TestPki.trustManager(kubeletCa.cert()), "ca")}, null);
            http = new KubeletHttpClient(CountingSslContext.wrap(ctx, counts), verifier, 8000, 16, new BufferPool(4, 1 << 20));
            scraper = new NodeScraper(http, new EndpointMemory(3_600_000), new Interner(12), new JsonFactory(), 8000, 1 << 20);
            verifier.expect(Map.of("127.0.0.1", List.of(new NodeNameVerifier.Expected("sim-node-1", ScrapeCycle.acceptableNames(node)))));
            eps = List.of(new KubeletEndpoint("127.0.0.1", kubelet.port(), "InternalIP"));
        }

        /** Scrapes the stand-in {@code n} times in a row; throws the first failure. */
        void scrape(int n) throws Exception {
            for (int i = 0; i < n; i++) {
                NodeResult r = scraper.scrape(node, eps, credentials).get(10, TimeUnit.SECONDS);
                if (r.failure() != null) {
                    throw r.failure();
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            http.close();
            kubelet.close();
        }
    }

    static long ioAllocated(ThreadMXBean t) {
        return ioSum(t, ((com.sun.management.ThreadMXBean) t)::getThreadAllocatedBytes);
    }

    static long ioCpu(ThreadMXBean t) {
        return ioSum(t, t::getThreadCpuTime);
    }

    private static long ioSum(ThreadMXBean t, java.util.function.LongUnaryOperator perThread) {
        long sum = 0;
        for (ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("kma-kubelet-io")) {
                sum += perThread.applyAsLong(i.getThreadId());
            }
        }
        return sum;
    }
}
