package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.simulator.Pki;
import io.kma.simulator.SimClients;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/**
 * {@code kube-metrics-appliance identity} as an operator runs it (the real script, a real process) against the
 * simulator's CSR API: approved by the command itself with the admin kubeconfig, approved by an operator while it
 * waits, and renewed only in the last third of the certificate's life.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityTest {

    static final String CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

    @TempDir
    static Path work;
    static Simulator sim;
    static Path identity;

    @BeforeAll
    static void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(work.resolve("sim")).nodes(1).podsPerNode(1).build());
        identity = work.resolve("identity");
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString(),
                "identity", "--kubeconfig", sim.dir().resolve("admin.kubeconfig").toString(), "--dir", identity.toString(),
                "--owner", System.getProperty("user.name")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KMA_STATE_DIR", work.resolve("state").toString());
        return pb;
    }

    record Result(int exit, String output) {
    }

    static Result run(String... args) throws Exception {
        Path out = Files.createTempFile(work, "identity", ".log");
        Process p = command(args).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "identity " + List.of(args) + " did not finish");
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    static X509Certificate certificate() throws IOException {
        return Pki.readCert(identity.resolve("client.crt"));
    }

    @Test
    @Order(1)
    void approvedWithTheAdminKubeconfig() throws Exception {
        Result r = run("--approve");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("approved kube-metrics-appliance-"), r.output());

        X509Certificate cert = certificate();
        assertEquals("CN=system:kube-metrics-appliance", cert.getSubjectX500Principal().getName());
        cert.verify(sim.caCertificate().getPublicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity.resolve("client.key"))));
        assertEquals(System.getProperty("user.name"), Files.getOwner(identity.resolve("client.key")).getName());
        // the key was generated here: it is the certificate's, and the CSR object holds only the public half
        assertEquals(cert.getPublicKey(), Pki.readCerts(Files.readString(identity.resolve("client.crt"))).get(0).getPublicKey());
        Pki.readKey(identity.resolve("client.key"));

        // the written kubeconfig is a working identity of its own: the simulator answers as system:kube-metrics-appliance
        HttpResponse<String> forbidden = asIdentity(CSRS);
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertTrue(forbidden.body().contains("system:kube-metrics-appliance\\\" cannot list"), forbidden.body());
        assertEquals(200, asIdentity("/api/v1/nodes").statusCode());
    }

    /** A GET with the identity's certificate and key, as the kubeconfig names them. */
    static HttpResponse<String> asIdentity(String path) throws Exception {
        String kubeconfig = Files.readString(identity.resolve("kubeconfig"));
        assertTrue(kubeconfig.contains("client-key: \"" + identity.resolve("client.key") + "\""), kubeconfig);
        assertTrue(kubeconfig.contains("server: \"" + sim.apiserverUrl()), kubeconfig);
        Pki.Issued own = new Pki.Issued(certificate(), Pki.readKey(identity.resolve("client.key")));
        HttpClient client = HttpClient.newBuilder().sslContext(Pki.sslContext(own, List.of(), sim.caCertificate()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(sim.apiserverUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(2)
    void waitsForAnOperatorsApproval() throws Exception {
        X509Certificate before = certificate();
        Path out = work.resolve("manual.log");
        Process p = command("--wait-seconds", "60").redirectOutput(out.toFile()).start();
        try {
            Pattern approve = Pattern.compile("kubectl certificate approve (kube-metrics-appliance-\\S+)");
            String[] name = new String[1];
            Appliance.await("the kubectl certificate approve line", Duration.ofSeconds(60), () -> {
                try {
                    Matcher m = approve.matcher(Files.readString(out));
                    if (m.find()) {
                        name[0] = m.group(1);
                    }
                    return name[0] != null;
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(p.isAlive(), "identity must wait for the approval");
            HttpClient admin = SimClients.admin(sim.dir());
            JsonNode csr = SimulatedCluster.JSON.readTree(admin.send(HttpRequest.newBuilder(URI.create(sim.apiserverUrl() + CSRS + "/" + name[0]))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("kubernetes-admin", csr.at("/spec/username").asText());
            assertEquals("kubernetes.io/kube-apiserver-client", csr.at("/spec/signerName").asText());
            PKCS10CertificationRequest request = (PKCS10CertificationRequest) new PEMParser(new java.io.StringReader(new String(
                    java.util.Base64.getDecoder().decode(csr.at("/spec/request").asText())))).readObject();
            assertEquals("CN=system:kube-metrics-appliance", request.getSubject().toString());
            // the operator's step, with the real kubectl, exactly as the command printed it
            Path kubectl = kubectl();
            Process operator = new ProcessBuilder(kubectl.toString(), "--kubeconfig", sim.dir().resolve("admin.kubeconfig").toString(),
                    "--cache-dir", work.resolve("kube-cache").toString(), "certificate", "approve", name[0])
                    .redirectErrorStream(true).start();
            assertTrue(operator.waitFor(60, TimeUnit.SECONDS), "kubectl certificate approve did not finish");
            String approved = new String(operator.getInputStream().readAllBytes());
            assertEquals(0, operator.exitValue(), approved);
            assertTrue(approved.contains(name[0] + " approved"), approved);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "identity did not finish after the approval");
            assertEquals(0, p.exitValue(), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
        assertNotEquals(before.getSerialNumber(), certificate().getSerialNumber());
    }

    @Test
    @Order(3)
    void renewsOnlyInTheLastThirdOfTheLifetime() throws Exception {
        X509Certificate current = certificate();
        Result early = run("--renew", "--approve");
        assertEquals(0, early.exit(), early.output());
        assertTrue(early.output().contains("nothing to do"), early.output());
        assertEquals(current.getSerialNumber(), certificate().getSerialNumber());

        // a certificate six minutes long, four of them gone: due
        Pki.Issued ca = new Pki.Issued(sim.caCertificate(), Pki.readKey(sim.dir().resolve("pki/ca.key")));
        String requestPem = Files.readString(work.resolve("expiring.csr.pem").toFile().exists()
                ? work.resolve("expiring.csr.pem") : writeRequest(work.resolve("expiring.csr.pem")));
        PKCS10CertificationRequest request = (PKCS10CertificationRequest) new PEMParser(new java.io.StringReader(requestPem)).readObject();
        X509Certificate expiring = Pki.issueFromRequest(ca, request, Duration.ofMinutes(1));
        Files.writeString(identity.resolve("client.crt"), Pki.pem(expiring));

        Result due = run("--renew", "--approve");
        assertEquals(0, due.exit(), due.output());
        assertTrue(due.output().contains("renewing"), due.output());
        X509Certificate renewed = certificate();
        assertNotEquals(expiring.getSerialNumber(), renewed.getSerialNumber());
        assertTrue(renewed.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(Duration.ofDays(300))), renewed.toString());
    }

    /**
     * End to end with nothing but the appliance's own identity: the kubeconfig the command wrote, used for
     * kube-apiserver and (kubelet.auth: kubeconfig, the default) for the kubelets; no kubeadm administrator
     * certificate is configured anywhere, and the real kubectl reads metrics through the aggregator.
     */
    @Test
    @Order(4)
    void applianceWithOnlyItsOwnIdentityServesKubectlTop() throws Exception {
        int port = Appliance.freePort();
        String config = SimulatedCluster.config(sim.dir(), work, port, "").replace(
                "kubeconfig: " + sim.dir().resolve("appliance.kubeconfig"), "kubeconfig: " + identity.resolve("kubeconfig"));
        assertTrue(config.startsWith("kubeconfig: " + identity.resolve("kubeconfig")), config);
        assertTrue(!config.contains("apiserver-kubelet-client") && !config.contains("admin"), config);
        sim.registerAppliance(URI.create("https://127.0.0.1:" + port));
        try (Appliance appliance = Appliance.start(work.resolve("appliance"), port, config)) {
            Path kubectl = kubectl();
            String[] last = {""};
            Appliance.await("kubectl top node through the appliance", Duration.ofSeconds(60), () -> {
                try {
                    Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", sim.dir().resolve("admin.kubeconfig").toString(),
                            "--cache-dir", work.resolve("kube-cache").toString(), "top", "node")
                            .redirectErrorStream(true).start();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return false;
                    }
                    last[0] = new String(p.getInputStream().readAllBytes());
                    return p.exitValue() == 0 && last[0].contains("sim-node-0");
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            long milli = sim.profile().nodeMillicores(0);
            assertTrue(last[0].matches("(?s).*sim-node-0\\s+" + milli + "m\\s.*"), last[0]);
        } finally {
            sim.registerAppliance(null);
        }
    }

    /** The real kubectl; the tests that need it are skipped loudly without it. */
    static Path kubectl() {
        Path kubectl = java.util.stream.Stream.of("/usr/bin", System.getenv().getOrDefault("PATH", ""))
                .flatMap(d -> java.util.Arrays.stream(d.split(java.io.File.pathSeparator)))
                .map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null,
                "SKIPPED LOUDLY: kubectl is not installed, the kubectl steps of the identity tests cannot run");
        return kubectl;
    }

    private static Path writeRequest(Path file) throws Exception {
        java.security.KeyPair kp = Pki.newKeyPair();
        var csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=system:kube-metrics-appliance"), kp.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        Files.writeString(file, Pki.pem(csr));
        return file;
    }
}
