package io.kma.scraper.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.testsupport.TestPki;

/**
 * Live heap per kept-alive kubelet connection, by class, as a timed loop: not a test and not run by the build.
 * A child JVM (same class path) serves N stand-in kubelets on 127.0.0.1 (so none of their objects are counted
 * here); this JVM scrapes each through the real {@link KubeletHttpClient} and {@link NodeScraper} a few times,
 * then compares class histograms (each after a full collection) taken before and after the connections exist.
 * <pre>
 * mvn -o -q -pl bundles/scraper test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xss256k -cp bundles/scraper/target/test-classes:bundles/scraper/target/classes:$(cat bundles/scraper/target/cp.txt) \
 *      io.kma.scraper.internal.ConnectionMemoryLoop 1000 2 [writeBytes: 0 = 16 KiB TLS records, 4096 = a Go kubelet's]
 * </pre>
 */
public class ConnectionMemoryLoop {

    private static final int BATCH = 32;

    public static void main(String[] a) throws Exception {
        if (a[0].equals("serve")) {
            serve(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            return;
        }
        int n = Integer.parseInt(a[0]);
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 2;
        // 0: the JDK server's 16 KiB records; 4096: a Go kubelet's records (see KubeletStandIn.writeBytes)
        int writeBytes = a.length > 2 ? Integer.parseInt(a[2]) : 0;
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        TestPki.Issued client = TestPki.client(clientCa, "CN=c");
        TestPki.Issued serving = TestPki.server(kubeletCa, "sim-node-1", "sim-node-1");
        Path pki = Files.createTempFile("kma-connmem", ".ser");
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(pki))) {
            out.writeObject(new Object[] {serving.cert(), serving.key(), kubeletCa.cert(), clientCa.cert()});
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss256k", "-Dsun.net.httpserver.idleInterval=600", "-cp", System.getProperty("java.class.path"),
                ConnectionMemoryLoop.class.getName(), "serve", pki.toString(), Integer.toString(n),
                Integer.toString(writeBytes))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader ports = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            List<Integer> portList = new ArrayList<>();
            for (String p : ports.readLine().trim().split(" ")) {
                portList.add(Integer.parseInt(p));
            }
            run(portList, rounds, kubeletCa, client);
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(pki);
        }
    }

    private static void run(List<Integer> ports, int rounds, TestPki.Issued kubeletCa, TestPki.Issued client) throws Exception {
        var credentials = Fixtures.credentials(client.keyManager(), null, "c");
        NodeNameVerifier verifier = new NodeNameVerifier();
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {new CredentialsKeyManager(credentials)},
                new javax.net.ssl.TrustManager[] {new KubeletTrustManager(TestPki.trustManager(kubeletCa.cert()), "ca")}, null);
        KubeletHttpClient http = new KubeletHttpClient(ctx, verifier, 30_000, 64, new BufferPool(64, 4 << 20));
        NodeScraper scraper = new NodeScraper(http, new EndpointMemory(3_600_000), new Interner(12), new JsonFactory(),
                30_000, 1 << 20);
        List<NodeAddress> addresses = List.of(new NodeAddress("InternalIP", "127.0.0.1"), new NodeAddress("Hostname", "sim-node-1"));
        NodeInfo first = new NodeInfo("sim-node-1", Map.of(), Map.of(), addresses, 0, true, null);
        verifier.expect(Map.of("127.0.0.1", List.of(new NodeNameVerifier.Expected("sim-node-1", ScrapeCycle.acceptableNames(first)))));
        // a batch first, so the classes, the JIT's and the response buffer pool's one-off objects are in the baseline
        int warm = Math.min(BATCH + 1, ports.size() / 4);
        scrapeAll(scraper, credentials, addresses, ports.subList(0, warm), 2);
        Map<String, long[]> before = histogram();
        long t0 = System.nanoTime();
        List<Integer> rest = ports.subList(warm, ports.size());
        scrapeAll(scraper, credentials, addresses, rest, rounds);
        long t1 = System.nanoTime();
        Map<String, long[]> after = histogram();
        int n = rest.size();
        System.out.printf("%d connections (idle in the pool: %d), %d scrapes each in %.1f s%n", n, http.idleConnections() - warm,
                rounds, (t1 - t0) / 1e9);
        List<Map.Entry<String, long[]>> diff = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            total += d[1];
            diff.add(Map.entry(e.getKey(), d));
        }
        for (Map.Entry<String, long[]> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                total -= e.getValue()[1];
            }
        }
        diff.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.printf("live heap per connection: %.0f bytes%n", (double) total / n);
        System.out.println("   bytes/conn  objects/conn  class");
        for (Map.Entry<String, long[]> e : diff.subList(0, Math.min(30, diff.size()))) {
            System.out.printf("%12.0f  %12.2f  %s%n", (double) e.getValue()[1] / n, (double) e.getValue()[0] / n, e.getKey());
        }
        http.close();
    }

    private static void scrapeAll(NodeScraper scraper, io.kma.api.kubelet.KubeletCredentials credentials,
            List<NodeAddress> addresses, List<Integer> ports, int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            List<CompletableFuture<NodeResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                NodeInfo node = new NodeInfo("sim-node-1", Map.of(), Map.of(), addresses, 0, true, null);
                inFlight.add(scraper.scrape(node, List.of(new KubeletEndpoint("127.0.0.1", ports.get(i), "InternalIP")),
                        credentials));
                if (inFlight.size() == BATCH || i == ports.size() - 1) {
                    for (CompletableFuture<NodeResult> f : inFlight) {
                        NodeResult r = f.get(60, TimeUnit.SECONDS);
                        if (r.failure() != null) {
                            throw r.failure();
                        }
                    }
                    inFlight.clear();
                }
            }
        }
    }

    /** Class name → {instances, bytes} after a full collection (the JVM's own GC.class_histogram). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return m;
    }

    /** The child: N stand-in kubelets answering the simulator's 70-pod body; prints their ports on one line. */
    private static void serve(Path pki, int n, int writeBytes) throws Exception {
        Object[] m;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(pki))) {
            m = (Object[]) in.readObject();
        }
        X509Certificate servingCa = (X509Certificate) m[2];
        TestPki.Issued serving = new TestPki.Issued((X509Certificate) m[0], (PrivateKey) m[1], servingCa);
        byte[] body = ResourceMetricsParserBenchmark.simulatedBody(1, 70);
        List<KubeletStandIn> kubelets = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < n; i++) {
            KubeletStandIn k = new KubeletStandIn(serving, servingCa, (X509Certificate) m[3]);
            k.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, body, 0));
            k.writeBytes = writeBytes;
            kubelets.add(k);
            ports.append(k.port()).append(' ');
        }
        System.out.println(ports);
        System.out.flush();
        // until the parent closes our stdin's other end (it destroys us); bounded anyway
        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        for (KubeletStandIn k : kubelets) {
            k.close();
        }
    }
}
