package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;
import io.kma.testsupport.LoopbackPorts;
import io.kma.testsupport.TestPki;

/** Scrapes against a local HTTPS kubelet stand-in that requires a client certificate. */
class KubeletScrapeTest {

    static final String BODY = """
            # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
            # TYPE node_cpu_usage_seconds_total counter
            node_cpu_usage_seconds_total 357.35491 1633253809720
            node_memory_working_set_bytes 1.616273408e+09 1633253809720
            container_cpu_usage_seconds_total{container="coredns",namespace="kube-system",pod="coredns-1"} 4.710169 1633253812125
            container_memory_working_set_bytes{container="coredns",namespace="kube-system",pod="coredns-1"} 1.253376e+07 1633253812125
            """;
    static final String CLIENT_DESCRIPTION =
            "client certificate /etc/kubernetes/pki/apiserver-kubelet-client.crt (CN=kube-apiserver-kubelet-client)";

    static TestPki.Issued kubeletCa;
    static TestPki.Issued clientCa;
    static KubeletCredentials credentials;

    KubeletStandIn kubelet;
    KubeletHttpClient http;
    NodeNameVerifier verifier;
    EndpointMemory memory;
    NodeScraper scraper;

    @BeforeAll
    static void pki() throws Exception {
        kubeletCa = TestPki.ca("kubelet-ca");
        clientCa = TestPki.ca("client-ca");
        TestPki.Issued client = TestPki.client(clientCa, "CN=kube-apiserver-kubelet-client");
        credentials = Fixtures.credentials(client.keyManager(), null, CLIENT_DESCRIPTION);
    }

    javax.net.ssl.SSLContext ctx;

    @BeforeEach
    void start() throws Exception {
        // the serving certificate names the node only: no IP SAN, the upstream failure case
        kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "sim-node-1", "sim-node-1"), kubeletCa.cert(), clientCa.cert());
        verifier = new NodeNameVerifier();
        // generous: the first handshake in a cold JVM on a busy 2-core machine takes seconds
        http = client(kubeletCa, 8000);
        memory = new EndpointMemory(3_600_000);
        scraper = new NodeScraper(http, memory, new Interner(10), new JsonFactory(), 8000, 64 * 1024);
    }

    KubeletHttpClient client(TestPki.Issued trusted, long timeoutMillis) throws Exception {
        ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {new CredentialsKeyManager(credentials)},
                new javax.net.ssl.TrustManager[] {
                    new KubeletTrustManager(TestPki.trustManager(trusted.cert()), Fixtures.KUBELET_CA.toString())},
                null);
        return new KubeletHttpClient(ctx, verifier, timeoutMillis, 16, new BufferPool(4, 1 << 20));
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        kubelet.close();
    }

    static NodeInfo node(String name) {
        return new NodeInfo(name, Map.of(), Map.of(),
                List.of(new NodeAddress("InternalIP", "127.0.0.1"), new NodeAddress("Hostname", name)), 0, true, null);
    }

    KubeletEndpoint endpoint() {
        return new KubeletEndpoint("127.0.0.1", kubelet.port(), "InternalIP");
    }

    NodeResult scrape(NodeInfo node, List<KubeletEndpoint> candidates) throws Exception {
        verifier.expect(Map.of("127.0.0.1", List.of(new NodeNameVerifier.Expected(node.name(),
                ScrapeCycle.acceptableNames(node)))));
        long t0 = System.nanoTime();
        NodeResult r = scraper.scrape(node, candidates, credentials).get(10, TimeUnit.SECONDS);
        System.out.printf("scrape %s: %s in %.1f ms%n", node.name(), r.outcome(), (System.nanoTime() - t0) / 1e6);
        return r;
    }

    static int freePortThatRefuses() throws Exception {
        return LoopbackPorts.free();
    }

    @Test
    void successDialledByIpWithCertificateNamingTheNode() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertNull(r.failure(), () -> r.failure().getMessage());
        assertEquals(357_354_910_000L, r.scrape().nodePoint().cpuNanoSeconds());
        assertEquals(1, r.scrape().containers().size());
        assertEquals("https://127.0.0.1:" + kubelet.port() + "/metrics/resource", r.url());
        // keep-alive: a second scrape reuses the connection and still works. The client hands the connection back
        // to its pool just after completing the response, so wait (bounded) for that before the second scrape.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (http.idleConnections() == 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        NodeResult again = scrape(node("sim-node-1"), List.of(endpoint()));
        assertNull(again.failure());
        assertEquals(2, kubelet.hits("/metrics/resource"));
        assertEquals(1, kubelet.remotePorts.size(), "the second scrape reuses the kept-alive TLS connection");
    }

    @Test
    void aNewConnectionIsAFullHandshakeNotAResumption() throws Exception {
        // the stand-in (JDK, TLS 1.3) sends a NewSessionTicket after each handshake, as Go kubelets do; kept, it is a
        // second session (with the ticket) beside every kept-alive connection, for the rare reconnect
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        javax.net.ssl.X509ExtendedTrustManager ca = TestPki.trustManager(kubeletCa.cert());
        javax.net.ssl.X509ExtendedTrustManager counting = new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                    javax.net.ssl.SSLEngine engine) throws java.security.cert.CertificateException {
                checks.incrementAndGet();
                ca.checkServerTrusted(chain, authType, engine);
            }

            // the client uses the engine variant above; the rest only delegate
            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                    java.net.Socket socket) throws java.security.cert.CertificateException {
                ca.checkServerTrusted(chain, authType, socket);
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                ca.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                    javax.net.ssl.SSLEngine engine) throws java.security.cert.CertificateException {
                ca.checkClientTrusted(chain, authType, engine);
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                    java.net.Socket socket) throws java.security.cert.CertificateException {
                ca.checkClientTrusted(chain, authType, socket);
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                ca.checkClientTrusted(chain, authType);
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return ca.getAcceptedIssuers();
            }
        };
        http.close();
        ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {new CredentialsKeyManager(credentials)},
                new javax.net.ssl.TrustManager[] {counting}, null);
        http = new KubeletHttpClient(ctx, verifier, 8000, 16, new BufferPool(4, 1 << 20));
        scraper = new NodeScraper(http, memory, new Interner(10), new JsonFactory(), 8000, 64 * 1024);
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        for (int i = 0; i < 2; i++) {
            NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
            assertNull(r.failure(), () -> r.failure().getMessage());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (http.idleConnections() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            http.closeIdle(0);
        }
        assertEquals(2, kubelet.remotePorts.size(), "two connections");
        assertEquals(2, checks.get(), "the second connection resumed the first's TLS session");
    }

    @Test
    void bearerTokenIsSent() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        KubeletCredentials both = Fixtures.credentials(credentials.keyManager().get(), "s3cret", "token and cert");
        verifier.expect(Map.of("127.0.0.1", List.of(new NodeNameVerifier.Expected("sim-node-1", Set.of("sim-node-1")))));
        NodeResult r = scraper.scrape(node("sim-node-1"), List.of(endpoint()), both).get(10, TimeUnit.SECONDS);
        assertNull(r.failure());
        assertEquals("Bearer s3cret", kubelet.lastAuthorization.get("/metrics/resource"));
    }

    @Test
    void unauthorizedNamesTheCredential() throws Exception {
        kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(401, "Unauthorized".getBytes(), 0));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.UNAUTHORIZED, r.outcome());
        assertEquals("kubelet refused " + CLIENT_DESCRIPTION + ": 401 Unauthorized — check kubelet --client-ca-file",
                r.failure().getMessage());
    }

    @Test
    void forbiddenExplainsRbac() throws Exception {
        kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(403,
                "Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=metrics)".getBytes(), 0));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.FORBIDDEN, r.outcome());
        assertTrue(r.failure().getMessage().startsWith(
                "403 Forbidden: kubelet authorization denied — the identity needs nodes/metrics get (RBAC)"),
                r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains("subresource=metrics"));
    }

    @Test
    void notFoundFallsBackToSummaryAndRemembersIt() throws Exception {
        kubelet.answers.put("/stats/summary", KubeletStandIn.Answer.ok(SummaryParserTest.SUMMARY));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertNull(r.failure(), () -> r.failure().getMessage());
        assertEquals(1_616_273_408L, r.scrape().nodePoint().memoryBytes());
        assertEquals(2, r.scrape().containers().size());
        NodeResult again = scrape(node("sim-node-1"), List.of(endpoint()));
        assertNull(again.failure());
        assertEquals(1, kubelet.hits("/metrics/resource"), "the summary API is remembered for the node");
        assertEquals(2, kubelet.hits("/stats/summary"));
    }

    @Test
    void timeout() throws Exception {
        kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, BODY.getBytes(), 3000));
        http.close();
        http = client(kubeletCa, 300);
        scraper = new NodeScraper(http, memory, new Interner(10), new JsonFactory(), 300, 64 * 1024);
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.TIMEOUT, r.outcome());
        assertEquals("timeout after 300ms", r.failure().getMessage());
    }

    @Test
    void oversizedBodyFailsTheNode() throws Exception {
        StringBuilder big = new StringBuilder(BODY);
        while (big.length() < 100_000) {
            big.append("# padding padding padding padding padding padding padding padding\n");
        }
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(big.toString()));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.TOO_LARGE, r.outcome());
        assertEquals("response larger than maxResponseBytes (65536 bytes)", r.failure().getMessage());
    }

    @Test
    void garbageFailsWithLineNumber() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok("node_cpu_usage_seconds_total 1\n<html>\n"));
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.PARSE_ERROR, r.outcome());
        assertEquals("unparsable metrics response: line 2: expected a metric name, found '<'", r.failure().getMessage());
    }

    @Test
    void fallsBackToTheNextEndpointWhenTheFirstRefusesAndRemembersIt() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        KubeletEndpoint refused = new KubeletEndpoint("127.0.0.1", freePortThatRefuses(), "Hostname");
        NodeResult r = scrape(node("sim-node-1"), List.of(refused, endpoint()));
        assertNull(r.failure(), () -> r.failure().getMessage());
        assertEquals(2, r.tried());
        assertEquals(endpoint(), memory.remembered("sim-node-1"));
        NodeResult again = scrape(node("sim-node-1"), List.of(refused, endpoint()));
        assertEquals(1, again.tried(), "the endpoint that worked is tried first");
    }

    @Test
    void allEndpointsRefusingIsOneFailure() throws Exception {
        KubeletEndpoint a = new KubeletEndpoint("127.0.0.1", freePortThatRefuses(), "Hostname");
        NodeResult r = scrape(node("sim-node-1"), List.of(a));
        assertEquals(Outcome.CONNECT_ERROR, r.outcome());
        assertTrue(r.failure().getMessage().startsWith("connection refused"), r.failure().getMessage());
    }

    @Test
    void certificateNamingAnotherNodeIsRejected() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        NodeResult r = scrape(node("sim-node-3"), List.of(endpoint()));
        assertEquals(Outcome.TLS_ERROR, r.outcome());
        assertEquals("TLS: certificate names [sim-node-1] match neither 127.0.0.1 nor node sim-node-3",
                r.failure().getMessage());
    }

    @Test
    void unknownCaIsRejected() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        http.close();
        http = client(TestPki.ca("some-other-ca"), 2000);
        scraper = new NodeScraper(http, memory, new Interner(10), new JsonFactory(), 2000, 64 * 1024);
        NodeResult r = scrape(node("sim-node-1"), List.of(endpoint()));
        assertEquals(Outcome.TLS_ERROR, r.outcome());
        assertEquals("TLS: kubelet certificate CN=sim-node-1 (issuer CN=kubelet-ca) is not signed by a CA in "
                + "/etc/kubernetes/pki/ca.crt", r.failure().getMessage());
    }

    @Test
    void cycleStoresGoodNodesAndListsFailedOnes() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        int refusedPort = freePortThatRefuses();
        AddressResolver resolver = n -> n.name().equals("sim-node-1") ? List.of(endpoint())
                : List.of(new KubeletEndpoint("127.0.0.1", refusedPort, "InternalIP"));
        ScraperMetrics metrics = new ScraperMetrics(15_000);
        ScrapeCycle cycle = new ScrapeCycle(scraper, verifier, metrics, 1, true);
        List<NodeScrape> sunk = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScrapeBatch batch = cycle.run(List.of(node("sim-node-1"), node("sim-node-2")), resolver, credentials,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10), sunk::add);
        assertEquals(1, batch.scraped().size());
        assertEquals(1, sunk.size(), "the good node was handed to the sink as soon as it completed");
        assertEquals("sim-node-1", sunk.get(0).node());
        assertKeptCountsNotSamples(sunk.get(0), batch.scraped().get(0));
        assertEquals("sim-node-1", batch.scraped().get(0).node());
        assertEquals(Set.of("sim-node-2"), batch.failedNodes());
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        String text = out.toString();
        assertTrue(text.contains("metrics_server_kubelet_request_total{success=\"true\"} 1\n"), text);
        assertTrue(text.contains("metrics_server_kubelet_request_total{success=\"false\"} 1\n"), text);
        assertTrue(text.contains("kube_metrics_appliance_scrape_duration_seconds_count{outcome=\"connect_error\"} 1\n"), text);
        assertTrue(text.contains("metrics_server_kubelet_request_duration_seconds_bucket{node=\"sim-node-2\",le=\"0.005\"}"));

        // a node that left the cluster loses its per-node series
        cycle.run(List.of(node("sim-node-1")), resolver, credentials, System.nanoTime() + TimeUnit.SECONDS.toNanos(10),
                x -> { });
        out.setLength(0);
        metrics.writeTo(out);
        assertTrue(!out.toString().contains("sim-node-2"), out.toString());
        assertTrue(out.toString().contains("kube_metrics_appliance_scrape_last_success_timestamp_seconds{node=\"sim-node-1\"}"));
    }

    /** The batch keeps a stored scrape's node and container count, not its samples (they die young). */
    private static void assertKeptCountsNotSamples(NodeScrape sunk, NodeScrape kept) {
        assertEquals(sunk.node(), kept.node());
        assertEquals(sunk.nodePoint(), kept.nodePoint());
        assertTrue(!sunk.containers().isEmpty() && sunk.containers().stream().allMatch(java.util.Objects::nonNull),
                sunk.toString());
        assertEquals(sunk.containers().size(), kept.containers().size());
        assertTrue(kept.containers().stream().allMatch(java.util.Objects::isNull), "samples kept: " + kept);
    }

    @Test
    void scrapesStillRunningAtTheDeadlineAreCarriedIntoTheNextCycle() throws Exception {
        kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, BODY.getBytes(), 1500));
        ScraperMetrics metrics = new ScraperMetrics(15_000);
        ScrapeCycle cycle = new ScrapeCycle(scraper, verifier, metrics, 4, false);
        List<NodeInfo> nodes = List.of(node("sim-node-1"));
        List<NodeScrape> sunk = new java.util.concurrent.CopyOnWriteArrayList<>();

        // the first scrape outlasts its cycle: pending, neither failed nor aborted, and not every node was tried
        java.util.concurrent.atomic.AtomicInteger everyNodeTried = new java.util.concurrent.atomic.AtomicInteger();
        ScrapeBatch first = cycle.run(nodes, n -> List.of(endpoint()), credentials,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), sunk::add, everyNodeTried::incrementAndGet);
        assertEquals(0, everyNodeTried.get(), "a first scrape still runs");
        assertEquals(Set.of(), first.failedNodes());
        assertEquals(List.of(), first.scraped());
        assertEquals(1, scraper.inFlight(), "the first scrape keeps running into the next cycle");
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        assertTrue(out.toString().contains("kube_metrics_appliance_scrape_pending_nodes 1\n"), out.toString());
        assertTrue(!out.toString().contains("metrics_server_kubelet_request_total{success=\"false\"} 1"), out.toString());

        // the next cycle takes its result instead of starting another scrape
        ScrapeBatch second = cycle.run(nodes, n -> List.of(endpoint()), credentials,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(5), sunk::add, everyNodeTried::incrementAndGet);
        assertEquals(1, everyNodeTried.get(), "the carried first scrape had its outcome");
        assertEquals(1, second.scraped().size());
        assertEquals(1, sunk.size());
        assertKeptCountsNotSamples(sunk.get(0), second.scraped().get(0));
        assertEquals(Set.of(), second.failedNodes());
        out.setLength(0);
        metrics.writeTo(out);
        assertTrue(out.toString().contains("kube_metrics_appliance_scrape_pending_nodes 0\n"), out.toString());
        assertTrue(out.toString().contains("metrics_server_kubelet_request_total{success=\"true\"} 1\n"), out.toString());

        // once scraped, a node still running at the deadline is pending too, and the store keeps its points
        ScrapeBatch third = cycle.run(nodes, n -> List.of(endpoint()), credentials,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), x -> { }, everyNodeTried::incrementAndGet);
        assertEquals(2, everyNodeTried.get(), "no first scrape in this cycle: at once");
        assertEquals(Set.of("sim-node-1"), third.failedNodes(), "kept for one cycle by the store");
        assertEquals(1, scraper.inFlight(), "not aborted at the deadline");
        out.setLength(0);
        metrics.writeTo(out);
        assertTrue(out.toString().contains("kube_metrics_appliance_scrape_pending_nodes 1\n"), out.toString());
        assertTrue(out.toString().contains("metrics_server_kubelet_request_total{success=\"false\"} 0\n"), out.toString());
        ScrapeBatch fourth = cycle.run(nodes, n -> List.of(endpoint()), credentials,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(5), x -> { });
        assertEquals(1, fourth.scraped().size(), "the carried scrape's result, taken by the next cycle");
        assertEquals(Set.of(), fourth.failedNodes());
    }

    @Test
    void firstScrapeNotStartedBeforeTheDeadlineIsPendingNotFailed() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        ScraperMetrics metrics = new ScraperMetrics(15_000);
        ScrapeCycle cycle = new ScrapeCycle(scraper, verifier, metrics, 4, false);
        // a deadline already passed: nothing can start
        ScrapeBatch batch = cycle.run(List.of(node("sim-node-1"), node("sim-node-2")), n -> List.of(endpoint()),
                credentials, System.nanoTime() - 1, x -> { });
        assertEquals(Set.of(), batch.failedNodes());
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        assertTrue(out.toString().contains("kube_metrics_appliance_scrape_pending_nodes 2\n"), out.toString());
        assertTrue(out.toString().contains("metrics_server_kubelet_request_total{success=\"false\"} 0\n"), out.toString());
    }

    @Test
    void nodesScrapedBeforeStartBeforeFirstScrapes() throws Exception {
        kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(BODY));
        try (KubeletStandIn second = new KubeletStandIn(TestPki.server(kubeletCa, "sim-node-2", "sim-node-2"),
                kubeletCa.cert(), clientCa.cert())) {
            AddressResolver resolver = n -> List.of(new KubeletEndpoint("127.0.0.1",
                    n.name().equals("sim-node-1") ? kubelet.port() : second.port(), "InternalIP"));
            ScrapeCycle cycle = new ScrapeCycle(scraper, verifier, new ScraperMetrics(15_000), 1, false);
            assertEquals(1, cycle.run(List.of(node("sim-node-1")), resolver, credentials,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10), x -> { }).scraped().size());

            // one slot, each scrape 1.5 s, a 2.5 s cycle: only the first node started finishes in it. sim-node-2
            // (a first scrape, listed first) waits for sim-node-1 (scraped before), which keeps its series going
            kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, BODY.getBytes(), 1500));
            second.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, BODY.getBytes(), 1500));
            ScrapeBatch batch = cycle.run(List.of(node("sim-node-2"), node("sim-node-1")), resolver, credentials,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500), x -> { });
            assertEquals(List.of("sim-node-1"), batch.scraped().stream().map(NodeScrape::node).toList());
            assertEquals(Set.of(), batch.failedNodes(), "sim-node-2 is pending (carried), not failed");
            // let the carried first scrape finish before the stand-ins stop
            ScrapeBatch next = cycle.run(List.of(node("sim-node-2"), node("sim-node-1")), resolver, credentials,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(5), x -> { });
            assertTrue(next.scraped().stream().anyMatch(s -> s.node().equals("sim-node-2")), "the carried scrape's result");
        }
    }
}
