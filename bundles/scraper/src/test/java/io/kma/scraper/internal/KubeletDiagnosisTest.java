package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.doctor.Finding;
import io.kma.api.doctor.Finding.Verdict;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.tls.TlsMaterials;
import io.kma.testsupport.TestPki;

/**
 * The doctor's kubelet checks against stand-in kubelets on 127.0.0.1 with real TLS and client certificates,
 * through the scraper's own client; references injected as SCR would.
 */
class KubeletDiagnosisTest {

    static TestPki.Issued kubeletCa;
    static TestPki.Issued clientCa;
    static KubeletCredentials credentials;

    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        kubeletCa = TestPki.ca("kubelet-ca");
        clientCa = TestPki.ca("client-ca");
        credentials = Fixtures.credentials(TestPki.client(clientCa, "CN=kube-apiserver-kubelet-client").keyManager(), null,
                KubeletScrapeTest.CLIENT_DESCRIPTION);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
        started.clear();
    }

    /** A kubelet serving a certificate for the node name (no IP SAN) from the given CA, answering /metrics/resource. */
    KubeletStandIn kubelet(TestPki.Issued servingCa, String certName, KubeletStandIn.Answer answer) throws Exception {
        KubeletStandIn k = new KubeletStandIn(TestPki.server(servingCa, certName, certName), servingCa.cert(), clientCa.cert());
        started.add(k);
        k.answers.put("/metrics/resource", answer);
        return k;
    }

    static NodeInfo node(String name) {
        return new NodeInfo(name, Map.of(), Map.of(),
                List.of(new NodeAddress("InternalIP", "127.0.0.1"), new NodeAddress("Hostname", name)), 0, true, null);
    }

    static AddressResolver at(int port) {
        return n -> List.of(new KubeletEndpoint("127.0.0.1", port, "InternalIP"));
    }

    static KubeletDiagnosis diagnosis(boolean insecure, ClusterView cluster, TlsMaterials tls, AddressResolver resolver,
            KubeletCredentials creds) throws Exception {
        return diagnosis(ScraperComponentTest.config(insecure, ""), cluster, tls, resolver, creds);
    }

    static KubeletDiagnosis diagnosis(ScraperConfig config, ClusterView cluster, TlsMaterials tls, AddressResolver resolver,
            KubeletCredentials creds) throws Exception {
        KubeletDiagnosis d = new KubeletDiagnosis();
        d.clusterView = cluster;
        d.tlsMaterials = tls;
        d.addressResolver = resolver;
        d.credentials = creds;
        d.referenceGraceMillis = 0;
        d.syncWaitMillis = 1_000;
        d.pollMillis = 20;
        d.probeBudgetMillis = 30_000L;
        d.activate(config);
        return d;
    }

    static List<Finding> examine(KubeletDiagnosis d) throws Exception {
        List<Finding> out = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        d.examine(out::add);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        for (Finding f : out) {
            System.out.println(line(f));
        }
        System.out.printf("examine took %d ms%n", took);
        assertTrue(took < 40_000, "examine is bounded");
        for (Finding f : out) {
            String text = line(f);
            assertFalse(text.contains("\tat ") || text.contains("Exception:"), "no stack traces: " + text);
        }
        assertNoProbeThreadsLeft();
        return out;
    }

    static String line(Finding f) {
        return f.verdict() + "  " + f.check() + ": " + f.detail() + (f.fix() == null ? "" : "\n      fix: " + f.fix());
    }

    static void assertNoProbeThreadsLeft() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until && probeThreads() > 0) {
            Thread.sleep(20);
        }
        assertEquals(0, probeThreads(), "the probe threads are gone after examine");
    }

    private static long probeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kma-doctor-kubelet-")).count();
    }

    static Finding only(List<Finding> findings, String check) {
        List<Finding> matching = findings.stream().filter(f -> f.check().equals(check)).collect(Collectors.toList());
        assertEquals(1, matching.size(), () -> "one finding " + check + " in " + findings);
        return matching.get(0);
    }

    static Finding last(List<Finding> findings) {
        return findings.get(findings.size() - 1);
    }

    @Test
    void healthyNodeIsOneOkLine() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        Finding settings = only(findings, KubeletDiagnosis.SETTINGS);
        assertEquals(Verdict.OK, settings.verdict());
        assertTrue(settings.detail().contains(KubeletScrapeTest.CLIENT_DESCRIPTION), settings.detail());
        assertTrue(settings.detail().contains("/etc/kubernetes/pki/ca.crt"), settings.detail());
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.OK, node.verdict(), node::detail);
        assertEquals("127.0.0.1:" + k.port() + " (InternalIP), connected, certificate verified, kubelet answered 200"
                + " (1 pod)", node.detail());
        assertNull(node.fix());
        assertEquals(Finding.ok(KubeletDiagnosis.NODES, "1 of 1 nodes answered"), last(findings));
        assertEquals(1, k.hits("/metrics/resource"), "one real GET /metrics/resource");
    }

    @Test
    void certificateFromAnotherCaFailsAtTls() throws Exception {
        TestPki.Issued otherCa = TestPki.ca("kubelet-self-signed");
        KubeletStandIn k = kubelet(otherCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertEquals("127.0.0.1:" + k.port() + " (InternalIP), connected: TLS failed: kubelet certificate CN=worker-1"
                + " (issuer CN=kubelet-self-signed) is not signed by a CA in /etc/kubernetes/pki/ca.crt", node.detail());
        assertTrue(node.fix().startsWith("the kubelet's serving certificate is not signed by /etc/kubernetes/pki/ca.crt:"
                + " enable serverTLSBootstrap: true in the kubelet configuration and approve its CSRs"), node.fix());
        assertEquals(Verdict.FAIL, last(findings).verdict());
        assertEquals("1 of 1 nodes failed", last(findings).detail());
        assertEquals(0, k.hits("/metrics/resource"), "no request is sent to an untrusted kubelet");
    }

    @Test
    void certificateNamingAnotherNodeFailsAtTls() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-2", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertTrue(node.detail().contains("TLS failed: certificate names [worker-2] match neither 127.0.0.1 nor node"
                + " worker-1"), node.detail());
        assertEquals("the certificate names neither 127.0.0.1 nor the node name: reissue it with serverTLSBootstrap (the"
                + " kubelet's CSR then carries the node's addresses and name)", node.fix());
    }

    @Test
    void unauthorizedNamesTheClientCaAndNeverTheToken() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1",
                new KubeletStandIn.Answer(401, "Unauthorized".getBytes(StandardCharsets.UTF_8), 0));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertTrue(node.detail().contains("certificate verified: kubelet authentication failed: kubelet refused "
                + KubeletScrapeTest.CLIENT_DESCRIPTION + ": 401 Unauthorized"), node.detail());
        assertEquals("the kubelet's client CA (--client-ca-file / authentication.x509.clientCAFile) must sign "
                + KubeletScrapeTest.CLIENT_DESCRIPTION, node.fix());

        // certificate and token: both fixes, and the token appears nowhere
        KubeletCredentials both = Fixtures.credentials(credentials.keyManager().get(), "s3cret-t0ken", "certificate and token");
        List<Finding> again = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), both));
        Finding n2 = only(again, "node worker-1");
        assertTrue(n2.fix().contains("must sign certificate and token") && n2.fix().contains(
                "authentication.webhook.enabled: true"), n2.fix());
        assertEquals("Bearer s3cret-t0ken", k.lastAuthorization.get("/metrics/resource"), "the token was sent");
        for (Finding f : again) {
            assertFalse(line(f).contains("s3cret"), line(f));
        }
    }

    @Test
    void forbiddenNamesTheRbacFix() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", new KubeletStandIn.Answer(403,
                "Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=metrics)"
                        .getBytes(StandardCharsets.UTF_8), 0));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertTrue(node.detail().contains("kubelet authorization failed: 403 Forbidden"), node.detail());
        assertTrue(node.detail().contains("subresource=metrics"), node.detail());
        assertEquals(KubeletFixes.RBAC_FIX, node.fix());
        assertTrue(node.fix().contains("nodes/metrics") && node.fix().contains("authorization.mode: Webhook"));
    }

    @Test
    void clientCertificateFromAnotherCaIsRejectedByTheKubelet() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        TestPki.Issued strangerCa = TestPki.ca("stranger-ca");
        KubeletCredentials stranger = Fixtures.credentials(TestPki.client(strangerCa, "CN=someone").keyManager(), null,
                "client certificate /tmp/someone.crt (CN=someone)");
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), stranger));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        // TLS 1.3: the kubelet's refusal arrives as an alert in the handshake or as a closed connection
        assertTrue(node.detail().contains(": TLS failed: "), node.detail());
        assertTrue(node.fix().contains("the kubelet's client CA (--client-ca-file / authentication.x509.clientCAFile)"
                + " must sign client certificate /tmp/someone.crt (CN=someone)"), node.fix());
        assertEquals(0, k.hits("/metrics/resource"));
    }

    @Test
    void closedPortFailsAtTcpConnect() throws Exception {
        int port = KubeletScrapeTest.freePortThatRefuses();
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(port), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertEquals("127.0.0.1:" + port + " (InternalIP): TCP connect failed: connection refused", node.detail());
        assertEquals("nothing accepts TCP connections at 127.0.0.1:" + port + " from this host: check that the kubelet"
                + " runs and that a firewall allows TCP " + port + " from the control-plane hosts (kubelet.port,"
                + " kubelet.useNodeStatusPort)", node.fix());
    }

    @Test
    void unresolvableHostnameFallsBackToTheNextCandidate() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        AddressResolver hostnameFirst = n -> List.of(new KubeletEndpoint("worker-1.invalid", k.port(), "Hostname"),
                new KubeletEndpoint("127.0.0.1", k.port(), "InternalIP"));
        AddressResolver hostnameOnly = n -> List.of(new KubeletEndpoint("worker-1.invalid", k.port(), "Hostname"));
        Finding ok = only(examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                hostnameFirst, credentials)), "node worker-1");
        assertEquals(Verdict.OK, ok.verdict(), ok::detail);
        assertTrue(ok.detail().endsWith("; before that worker-1.invalid:" + k.port() + " (Hostname): name resolution"
                + " failed"), ok.detail());
        Finding fail = only(examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                hostnameOnly, credentials)), "node worker-1");
        assertEquals(Verdict.FAIL, fail.verdict());
        assertTrue(fail.detail().contains("name resolution failed: worker-1.invalid does not resolve on this host"),
                fail.detail());
        assertTrue(fail.fix().startsWith("worker-1.invalid does not resolve on this host: put InternalIP first in"
                + " kubelet.preferredAddressTypes"), fail.fix());
    }

    @Test
    void nodeWithoutQualifyingAddressNamesItsTypes() throws Exception {
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                n -> List.of(), credentials));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertTrue(node.detail().startsWith("no address"), node.detail());
        assertEquals("the node has none of the address types in kubelet.preferredAddressTypes (it has InternalIP,"
                + " Hostname): add one of them, or use kubelet.addressResolver: hosts", node.fix());
    }

    @Test
    void missingResolverFailsTheSettingsAndSkipsTheNodes() throws Exception {
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                null, credentials));
        assertEquals(2, findings.size(), findings::toString);
        assertEquals(Finding.fail(KubeletDiagnosis.SETTINGS, "no AddressResolver strategy matching (kma.strategy=test)"
                + " is registered", "install and start the address-test bundle, or set kubelet.addressResolver"),
                findings.get(0));
        assertEquals(Verdict.SKIP, findings.get(1).verdict());
        assertEquals(KubeletDiagnosis.NODES, findings.get(1).check());
    }

    @Test
    void administratorClientCertificateFailsWithTheIdentityCommandAsTheFix() throws Exception {
        KubeletCredentials admin = Fixtures.credentials(
                TestPki.client(clientCa, "CN=kube-apiserver-kubelet-client,O=system:masters").keyManager(), null,
                "client certificate /etc/kubernetes/pki/apiserver-kubelet-client.crt");
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), admin));
        Finding settings = only(findings, KubeletDiagnosis.SETTINGS);
        assertEquals(Verdict.FAIL, settings.verdict(), settings::toString);
        assertTrue(settings.detail().startsWith("the kubelet credential is a cluster administrator (O=system:masters)"),
                settings.detail());
        assertTrue(settings.fix().contains("sudo kube-metrics-appliance identity --approve"), settings.fix());
    }

    @Test
    void missingCredentialsAndTlsAreEachAFailure() throws Exception {
        List<Finding> findings = examine(diagnosis(false, cluster(List.of(node("worker-1"))), null, at(1), null));
        List<String> fails = findings.stream().filter(f -> f.verdict() == Verdict.FAIL).map(Finding::detail)
                .collect(Collectors.toList());
        assertEquals(List.of("no KubeletCredentials strategy matching (kma.strategy=test) is registered",
                "no TlsMaterials service is registered, so kubelet.certificateAuthority cannot be read"), fails);
        assertEquals(Verdict.SKIP, last(findings).verdict());
    }

    @Test
    void insecureSkipTlsVerifyIsAWarningAndNodesStillAnswer() throws Exception {
        TestPki.Issued unknownCa = TestPki.ca("unknown-ca");
        KubeletStandIn k = kubelet(unknownCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        List<Finding> findings = examine(diagnosis(true, cluster(List.of(node("worker-1"))), null, at(k.port()),
                credentials));
        assertEquals(Finding.warn(KubeletDiagnosis.SETTINGS, "kubelet serving certificates are not verified"
                + " (kubelet.insecureSkipTLSVerify)", "set kubelet.certificateAuthority to the CA that signs the kubelets'"
                + " serving certificates (with serverTLSBootstrap: true in the kubelet configuration, the cluster CA"
                + " /etc/kubernetes/pki/ca.crt) and remove insecureSkipTLSVerify; kubeadm's default self-signed kubelet"
                + " certificates need no CA: without insecureSkipTLSVerify they are pinned on first contact"
                + " (kubelet.tlsVerification: caOrPin)"), only(findings, KubeletDiagnosis.SETTINGS));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.OK, node.verdict(), node::detail);
        assertTrue(node.detail().contains("certificate NOT verified, kubelet answered 200"), node.detail());
    }

    @Test
    void unsyncedNodeListFailsTheNodes() throws Exception {
        KubeletDiagnosis d = diagnosis(false, cluster(List.of(node("worker-1")), false), Fixtures.kubeletCaFile(kubeletCa), at(1),
                credentials);
        d.syncWaitMillis = 300;
        List<Finding> findings = examine(d);
        assertEquals(Verdict.OK, findings.get(0).verdict());
        assertEquals(Finding.Verdict.FAIL, last(findings).verdict());
        assertEquals(KubeletDiagnosis.NODES, last(findings).check());
        assertEquals("the node list could not be read from kube-apiserver (see the kube-apiserver checks above)",
                last(findings).detail());
    }

    @Test
    void doctorChecksPinsWithoutWritingAny(@org.junit.jupiter.api.io.TempDir java.nio.file.Path pins) throws Exception {
        KubeletStandIn.Issuer own = KubeletPinningTest.kubeadmSelfSigned("worker-1", 1_700_000_000L);
        KubeletStandIn k = new KubeletStandIn(own.leaf(), own.ca(), clientCa.cert());
        started.add(k);
        k.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        ScraperConfig config = ScraperComponentTest.config(false, "", pins.toString());

        // not pinned yet: doctor (root) accepts the self-signed form naming the node but leaves pinning to the service
        List<Finding> findings = examine(diagnosis(config, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa),
                at(k.port()), credentials));
        assertTrue(only(findings, KubeletDiagnosis.SETTINGS).detail().endsWith("; self-signed kubelet certificates pinned in "
                + pins + " (0 nodes pinned; a node's pin is removed with: rm " + pins + "/<node>.pin)"),
                only(findings, KubeletDiagnosis.SETTINGS).detail());
        assertEquals(Verdict.OK, only(findings, "node worker-1").verdict(), only(findings, "node worker-1")::detail);
        assertFalse(java.nio.file.Files.exists(pins.resolve("worker-1.pin")), "doctor wrote no pin");

        // pinned to another key: the node fails with the re-pin line
        java.nio.file.Files.writeString(pins.resolve("worker-1.pin"), "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
        findings = examine(diagnosis(config, cluster(List.of(node("worker-1"))), Fixtures.kubeletCaFile(kubeletCa), at(k.port()),
                credentials));
        assertTrue(only(findings, KubeletDiagnosis.SETTINGS).detail().contains("(1 nodes pinned;"));
        Finding node = only(findings, "node worker-1");
        assertEquals(Verdict.FAIL, node.verdict());
        assertTrue(node.detail().contains("kubelet of node worker-1 presents key " + KubeletPins.pinOf(own.leaf().cert())
                + " (certificate worker-1@1700000000), not the pinned sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"
                + " if its certificate was regenerated on purpose, re-pin with: rm " + pins.resolve("worker-1.pin")),
                node.detail());
        assertTrue(node.fix().startsWith("find out why the node's kubelet key changed"), node.fix());
    }

    @Test
    void largeClustersAreSummarised() throws Exception {
        KubeletStandIn k = kubelet(kubeletCa, "worker-1", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
        int refused = KubeletScrapeTest.freePortThatRefuses();
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            // every node's kubelet here is the one stand-in, whose certificate names worker-1 (the hostname of all)
            nodes.add(new NodeInfo(String.format("node-%02d", i), Map.of(), Map.of(),
                    List.of(new NodeAddress("InternalIP", "127.0.0.1"), new NodeAddress("Hostname", "worker-1")), 0, true,
                    null));
        }
        // 25 answer, 55 refuse
        AddressResolver resolver = n -> List.of(new KubeletEndpoint("127.0.0.1",
                Integer.parseInt(n.name().substring(5)) < 25 ? k.port() : refused, "InternalIP"));
        List<Finding> findings = examine(diagnosis(false, cluster(nodes), Fixtures.kubeletCaFile(kubeletCa), resolver, credentials));
        List<Finding> nodeLines = findings.stream().filter(f -> f.check().startsWith("node ")).collect(Collectors.toList());
        assertEquals(20 + 50, nodeLines.size());
        assertEquals("node node-00", nodeLines.get(0).check(), "node-name order");
        assertEquals(20, nodeLines.stream().filter(f -> f.verdict() == Verdict.OK).count());
        assertEquals("node node-25", nodeLines.get(20).check());
        assertEquals("node node-74", nodeLines.get(69).check());
        List<Finding> summaries = findings.stream().filter(f -> f.check().equals(KubeletDiagnosis.NODES))
                .collect(Collectors.toList());
        assertEquals(List.of(Finding.ok(KubeletDiagnosis.NODES, "and 5 more nodes OK"),
                Finding.fail(KubeletDiagnosis.NODES, "and 5 more nodes failed: 5 at TCP connect", summaries.get(1).fix()),
                Finding.fail(KubeletDiagnosis.NODES, "55 of 80 nodes failed", "see the node lines above")), summaries);
        assertEquals(25, k.hits("/metrics/resource"));
    }

    static ClusterView cluster(List<NodeInfo> nodes) {
        return ScraperComponentTest.cluster(nodes, true);
    }

    static ClusterView cluster(List<NodeInfo> nodes, boolean synced) {
        return ScraperComponentTest.cluster(nodes, synced);
    }
}
