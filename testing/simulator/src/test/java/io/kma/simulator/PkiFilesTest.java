package io.kma.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PkiFilesTest {
    @TempDir
    static Path dir;
    static Simulator sim;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(2).podsPerNode(1).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static void assertPair(X509Certificate cert, PrivateKey key) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(new byte[]{1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[]{1, 2, 3});
        assertTrue(s.verify(sig), "key matches certificate " + cert.getSubjectX500Principal());
    }

    @Test
    void certificatesChainAndNameTheRightSubjects() throws Exception {
        Path pki = dir.resolve("pki");
        X509Certificate ca = Pki.readCert(pki.resolve("ca.crt"));
        X509Certificate fpCa = Pki.readCert(pki.resolve("front-proxy-ca.crt"));
        assertNotEquals(ca.getSubjectX500Principal(), fpCa.getSubjectX500Principal());
        assertPair(ca, Pki.readKey(pki.resolve("ca.key")));
        assertPair(fpCa, Pki.readKey(pki.resolve("front-proxy-ca.key")));

        X509Certificate kc = Pki.readCert(pki.resolve("apiserver-kubelet-client.crt"));
        kc.verify(ca.getPublicKey());
        assertPair(kc, Pki.readKey(pki.resolve("apiserver-kubelet-client.key")));
        assertEquals(Identity.of("kube-apiserver-kubelet-client", List.of("system:masters")), Authenticator.fromCertificate(kc));

        X509Certificate fp = Pki.readCert(pki.resolve("front-proxy-client.crt"));
        fp.verify(fpCa.getPublicKey());
        assertPair(fp, Pki.readKey(pki.resolve("front-proxy-client.key")));
        assertEquals("front-proxy-client", Authenticator.fromCertificate(fp).user());
        assertTrue(fp.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth EKU");

        X509Certificate api = Pki.readCert(pki.resolve("apiserver.crt"));
        api.verify(ca.getPublicKey());
        assertTrue(api.getSubjectAlternativeNames().stream().anyMatch(s -> s.get(1).equals("127.0.0.1")));
    }

    @Test
    void kubeletServingCertNamesOnlyTheNode() throws Exception {
        javax.net.ssl.HttpsURLConnection c = TestHttp.open("https://127.0.0.1:" + sim.kubeletAddress(1).getPort() + "/healthz",
                TestHttp.tls(dir, null), TestHttp.dnsName("sim-node-1"), java.util.Map.of());
        assertEquals(200, c.getResponseCode());
        X509Certificate served = (X509Certificate) c.getServerCertificates()[0];
        served.verify(sim.caCertificate().getPublicKey());
        assertEquals(1, served.getSubjectAlternativeNames().size());
        assertEquals(List.of(2, "sim-node-1"), List.copyOf(served.getSubjectAlternativeNames().iterator().next()));
    }

    static String field(String kubeconfig, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (\\S+)$").matcher(kubeconfig);
        assertTrue(m.find(), name + " in kubeconfig");
        return m.group(1);
    }

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.US_ASCII);
    }

    @Test
    void kubeconfigsEmbedWorkingCredentials() throws Exception {
        String url = sim.apiserverUrl().toString();
        String appliance = Files.readString(dir.resolve("appliance.kubeconfig"));
        assertEquals(url, field(appliance, "server"));
        assertEquals(sim.caCertificate(), Pki.readCerts(decode(field(appliance, "certificate-authority-data"))).get(0));
        X509Certificate cert = Pki.readCerts(decode(field(appliance, "client-certificate-data"))).get(0);
        assertEquals(Policy.APPLIANCE_USER, Authenticator.fromCertificate(cert).user());
        Path key = dir.resolve("k.pem");
        Files.writeString(key, decode(field(appliance, "client-key-data")));
        assertPair(cert, Pki.readKey(key));

        String admin = Files.readString(dir.resolve("admin.kubeconfig"));
        X509Certificate adminCert = Pki.readCerts(decode(field(admin, "client-certificate-data"))).get(0);
        assertEquals(Identity.of("kubernetes-admin", List.of("system:masters")), Authenticator.fromCertificate(adminCert));

        String viewer = Files.readString(dir.resolve("viewer.kubeconfig"));
        assertEquals(Files.readString(dir.resolve("viewer-token")).trim(), field(viewer, "token"));
        assertTrue(!Files.readString(dir.resolve("kubelet-token")).isBlank());
    }

    @Test
    void propertiesFileDescribesTheRun() throws Exception {
        Properties p = SimClients.properties(dir);
        assertEquals(sim.apiserverUrl().toString(), p.getProperty("apiserver.url"));
        assertEquals("2", p.getProperty("nodes"));
        assertEquals("1", p.getProperty("pods.per.node"));
        assertEquals("2", p.getProperty("containers.per.pod"));
        List<String> kubelets = Files.readAllLines(dir.resolve("kubelets.txt"));
        assertEquals("sim-node-1 127.0.0.1 " + sim.kubeletAddress(1).getPort(), kubelets.get(2));
    }
}
