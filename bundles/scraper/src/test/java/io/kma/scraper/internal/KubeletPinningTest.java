package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.shared.labels.LabelSelector;
import io.kma.testsupport.TestPki;

/**
 * Kubelet identity over real TLS, wired as the scraper wires it ({@link KubeletClients}): kubeadm-style
 * self-signed kubelet certificates pinned on first contact, CA-signed ones verified against the CA, and a
 * certificate accepted only for the node it names, even on a connection pooled for another node.
 */
class KubeletPinningTest {

    static TestPki.Issued kubeletCa;
    static TestPki.Issued clientCa;
    static KubeletCredentials credentials;

    @TempDir
    Path state;

    final List<KubeletStandIn> kubelets = new ArrayList<>();
    final List<KubeletClients> clients = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        kubeletCa = TestPki.ca("kubelet-ca");
        clientCa = TestPki.ca("client-ca");
        TestPki.Issued client = TestPki.client(clientCa, "CN=system:kube-metrics-appliance");
        // a token too: it must never reach a kubelet that failed the identity check
        credentials = Fixtures.credentials(client.keyManager(), "secret-token", "test identity");
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(KubeletClients::close);
        for (KubeletStandIn k : kubelets) {
            k.close();
        }
    }

    /** What kubelet writes without serverTLSBootstrap: CN host@unix, issuer host-ca@unix, one DNS SAN host. */
    static KubeletStandIn.Issuer kubeadmSelfSigned(String hostname, long unix) throws Exception {
        TestPki.Issued own = TestPki.ca(hostname + "-ca@" + unix);
        return new KubeletStandIn.Issuer(TestPki.server(own, hostname + "@" + unix, hostname), own.cert());
    }

    KubeletStandIn kubelet(KubeletStandIn.Issuer serving) throws Exception {
        KubeletStandIn k = new KubeletStandIn(serving.leaf(), serving.ca(), clientCa.cert());
        k.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        kubelets.add(k);
        return k;
    }

    ScraperSettings settings(boolean pin) {
        return new ScraperSettings(1000, 8000, 4, 1 << 20, LabelSelector.everything(), null, "/etc/kubernetes/pki/ca.crt",
                false, "(kma.strategy=test)", "(kma.strategy=test)", pin ? state.resolve("kubelet-pins").toString() : null);
    }

    /** One scrape of each node, all dialled at the given kubelet, through a client set up as the scraper does. */
    List<NodeResult> scrape(KubeletClients c, boolean pin, KubeletStandIn k, NodeInfo... nodes) throws Exception {
        NodeNameVerifier verifier = verifierOf(c);
        KubeletHttpClient http = c.get(settings(pin), Fixtures.kubeletCaFile(kubeletCa), credentials);
        List<List<KubeletEndpoint>> candidates = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            candidates.add(List.of(new KubeletEndpoint("127.0.0.1", k.port(), "InternalIP")));
        }
        verifier.expect(ScrapeCycle.expectations(List.of(nodes), candidates));
        NodeScraper scraper = new NodeScraper(http, new EndpointMemory(60_000), new Interner(10), new JsonFactory(), 8000,
                1 << 20);
        List<NodeResult> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            out.add(scraper.scrape(nodes[i], candidates.get(i), credentials).get(20, TimeUnit.SECONDS));
        }
        return out;
    }

    private final Map<KubeletClients, NodeNameVerifier> verifiers = new java.util.HashMap<>();

    KubeletClients newClients() {
        NodeNameVerifier v = new NodeNameVerifier();
        KubeletClients c = new KubeletClients(v, new BufferPool(4, 1 << 20));
        verifiers.put(c, v);
        clients.add(c);
        return c;
    }

    NodeNameVerifier verifierOf(KubeletClients c) {
        return verifiers.get(c);
    }

    Path pinFile(String node) {
        return state.resolve("kubelet-pins").resolve(node + ".pin");
    }

    static void assertOk(NodeResult r) {
        assertNull(r.failure(), () -> r.failure().getMessage());
        assertEquals(1, r.scrape().containers().size());
    }

    @Test
    void firstContactPinsTheKeyAndARestartKeepsIt() throws Exception {
        KubeletStandIn.Issuer cert = kubeadmSelfSigned("worker-1", 1_700_000_000L);
        KubeletStandIn k = kubelet(cert);
        assertOk(scrape(newClients(), true, k, KubeletScrapeTest.node("worker-1")).get(0));
        String pin = Files.readAllLines(pinFile("worker-1")).get(0);
        assertEquals(KubeletPins.pinOf(cert.leaf().cert()), pin);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pinFile("worker-1"))));
        assertEquals("Bearer secret-token", k.lastAuthorization.get("/metrics/resource"));

        // a restart: new clients, same state directory; the same key is accepted and the pin file is unchanged
        long modified = Files.getLastModifiedTime(pinFile("worker-1")).toMillis();
        assertOk(scrape(newClients(), true, k, KubeletScrapeTest.node("worker-1")).get(0));
        assertEquals(pin, Files.readAllLines(pinFile("worker-1")).get(0));
        assertEquals(modified, Files.getLastModifiedTime(pinFile("worker-1")).toMillis());
    }

    @Test
    void aChangedKeyIsRefusedWithOneLineUntilTheNodeIsRepinned() throws Exception {
        KubeletClients c = newClients();
        KubeletStandIn first = kubelet(kubeadmSelfSigned("worker-1", 1_700_000_000L));
        assertOk(scrape(c, true, first, KubeletScrapeTest.node("worker-1")).get(0));
        String pinned = Files.readAllLines(pinFile("worker-1")).get(0);

        // the kubelet's pair regenerated (or someone else answering for worker-1): same name, new key
        KubeletStandIn.Issuer regenerated = kubeadmSelfSigned("worker-1", 1_700_000_500L);
        KubeletStandIn second = kubelet(regenerated);
        NodeResult r = scrape(c, true, second, KubeletScrapeTest.node("worker-1")).get(0);
        assertEquals(Outcome.TLS_ERROR, r.outcome());
        String msg = r.failure().getMessage();
        assertEquals("TLS: kubelet of node worker-1 presents key " + KubeletPins.pinOf(regenerated.leaf().cert())
                + " (certificate worker-1@1700000500), not the pinned " + pinned
                + "; if its certificate was regenerated on purpose, re-pin with: rm " + pinFile("worker-1"), msg);
        assertFalse(msg.contains("\n"));
        assertNull(second.lastAuthorization.get("/metrics/resource"), "no token sent to a kubelet that failed its pin");
        assertEquals(pinned, Files.readAllLines(pinFile("worker-1")).get(0), "the pin is not replaced");

        // the re-pin command, run while the service keeps scraping
        Files.delete(pinFile("worker-1"));
        assertOk(scrape(c, true, second, KubeletScrapeTest.node("worker-1")).get(0));
        assertEquals(KubeletPins.pinOf(regenerated.leaf().cert()), Files.readAllLines(pinFile("worker-1")).get(0));
    }

    @Test
    void aSelfSignedCertificateNamingAnotherNodeIsNeitherPinnedNorUsed() throws Exception {
        // worker-2's kubelet certificate served where worker-1 is dialled, both nodes claiming that address
        KubeletStandIn k = kubelet(kubeadmSelfSigned("worker-2", 1_700_000_000L));
        List<NodeResult> r = scrape(newClients(), true, k, KubeletScrapeTest.node("worker-1"),
                KubeletScrapeTest.node("worker-2"));
        assertEquals(Outcome.TLS_ERROR, r.get(0).outcome());
        assertTrue(r.get(0).failure().getMessage().startsWith("TLS: certificate names [worker-2], not node worker-1"),
                r.get(0).failure().getMessage());
        assertFalse(Files.exists(pinFile("worker-1")));
        assertOk(r.get(1));
        assertTrue(Files.exists(pinFile("worker-2")));
    }

    @Test
    void caSignedCertificatesAreVerifiedAgainstTheCaAndNeverPinned() throws Exception {
        KubeletStandIn k = kubelet(new KubeletStandIn.Issuer(TestPki.server(kubeletCa, "system:node:worker-1", "worker-1"),
                kubeletCa.cert()));
        assertOk(scrape(newClients(), true, k, KubeletScrapeTest.node("worker-1")).get(0));
        assertFalse(Files.exists(pinFile("worker-1")));

        // not the CA's and not kubelet's self-signed form: refused, as before pinning existed
        TestPki.Issued other = TestPki.ca("other-ca");
        KubeletStandIn stranger = kubelet(new KubeletStandIn.Issuer(TestPki.server(other, "worker-1", "worker-1"), other.cert()));
        NodeResult r = scrape(newClients(), true, stranger, KubeletScrapeTest.node("worker-1")).get(0);
        assertEquals(Outcome.TLS_ERROR, r.outcome());
        assertTrue(r.failure().getMessage().contains("is not signed by a CA in /etc/kubernetes/pki/ca.crt"),
                r.failure().getMessage());
        assertFalse(Files.exists(pinFile("worker-1")));
    }

    @Test
    void caOnlyModeRefusesSelfSignedCertificates() throws Exception {
        KubeletStandIn k = kubelet(kubeadmSelfSigned("worker-1", 1_700_000_000L));
        NodeResult r = scrape(newClients(), false, k, KubeletScrapeTest.node("worker-1")).get(0);
        assertEquals(Outcome.TLS_ERROR, r.outcome());
        assertTrue(r.failure().getMessage().contains("is not signed by a CA"), r.failure().getMessage());
        assertFalse(Files.exists(state.resolve("kubelet-pins")));
    }

    @Test
    void aCertificateServesOnlyTheNodeItNamesEvenOnAPooledConnection() throws Exception {
        // both nodes claim the same address; the kubelet there is worker-1's (CA-signed, names worker-1 only)
        KubeletStandIn k = kubelet(new KubeletStandIn.Issuer(TestPki.server(kubeletCa, "system:node:worker-1", "worker-1"),
                kubeletCa.cert()));
        List<NodeResult> r = scrape(newClients(), true, k, KubeletScrapeTest.node("worker-1"),
                KubeletScrapeTest.node("worker-2"));
        assertOk(r.get(0));
        assertEquals(Outcome.TLS_ERROR, r.get(1).outcome());
        assertEquals("TLS: certificate names [worker-1], not node worker-2 (expected one of [worker-2]): a kubelet speaks"
                + " only for its own node", r.get(1).failure().getMessage());
        assertEquals(1, k.hits.get("/metrics/resource").get(), "worker-2's request was never sent");
    }

    @Test
    void aRequestForNoNodeNeverTrustsASelfSignedCertificate() throws Exception {
        KubeletStandIn k = kubelet(kubeadmSelfSigned("worker-1", 1_700_000_000L));
        KubeletClients c = newClients();
        KubeletHttpClient http = c.get(settings(true), Fixtures.kubeletCaFile(kubeletCa), credentials);
        // the handshake's check passes (worker-1 is dialled there); only the per-request one can refuse
        verifierOf(c).expect(ScrapeCycle.expectations(List.of(KubeletScrapeTest.node("worker-1")),
                List.of(List.of(new KubeletEndpoint("127.0.0.1", k.port(), "InternalIP")))));
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> http.get(new KubeletEndpoint("127.0.0.1", k.port(),
                        "InternalIP"), "/metrics/resource", "secret-token", 1 << 20, 8000).get(20, TimeUnit.SECONDS));
        assertEquals("no node to verify a kubelet certificate the CA does not sign against", e.getCause().getMessage());
        assertNull(k.lastAuthorization.get("/metrics/resource"));
    }
}
