package io.kma.kubelet.auth.x509.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.testsupport.JdkTlsMaterials;
import io.kma.testsupport.TestPki;

class X509KubeletCredentialsTest {

    private static final String KUBEADM_SUBJECT = "CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins";

    @TempDir
    Path dir;

    private final JdkTlsMaterials tls = new JdkTlsMaterials();
    private final AtomicLong clock = new AtomicLong(7_000_000_000_000L);

    private ClientCertificate certificate(Path cert, Path key) {
        return new ClientCertificate(tls, cert, key, clock::get);
    }

    private void tick(long millis) {
        clock.addAndGet(millis * 1_000_000L);
    }

    private static String cn(X509KeyManager km) {
        String alias = km.getClientAliases("EC", null)[0];
        X509Certificate leaf = km.getCertificateChain(alias)[0];
        return leaf.getSubjectX500Principal().getName();
    }

    @Test
    void loadsKeyManagerAndDescribesTheCertificate() throws Exception {
        Path cert = dir.resolve("apiserver-kubelet-client.crt");
        Path key = dir.resolve("apiserver-kubelet-client.key");
        TestPki.certificate(KUBEADM_SUBJECT).clientAuth().selfSigned().write(cert, key);
        ClientCertificate c = certificate(cert, key);
        assertTrue(cn(c.keyManager().orElseThrow()).contains("CN=kube-apiserver-kubelet-client"));
        assertEquals("client certificate " + cert + " (CN=kube-apiserver-kubelet-client)", c.describe());
        assertEquals(1, tls.keyManagerLoads());
        c.keyManager();
        c.keyManager();
        assertEquals(1, tls.keyManagerLoads(), "loaded once; TlsMaterials' key manager follows rotation itself");
    }

    @Test
    void missingFilesActivateEmptyAndRecoverWhenTheyAppear() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        ClientCertificate c = certificate(cert, key);
        assertTrue(c.keyManager().isEmpty());
        assertEquals("client certificate " + cert + " (unreadable: no such file)", c.describe());

        TestPki.certificate(KUBEADM_SUBJECT).clientAuth().selfSigned().write(cert, key);
        tick(1_000);
        assertTrue(c.keyManager().isEmpty(), "not retried more often than every few seconds");
        tick(ClientCertificate.RETRY_NANOS / 1_000_000L);
        assertTrue(c.keyManager().isPresent());
        assertEquals("client certificate " + cert + " (CN=kube-apiserver-kubelet-client)", c.describe());
    }

    @Test
    void missingKeyIsNamed() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        TestPki.certificate(KUBEADM_SUBJECT).clientAuth().selfSigned().write(cert, key);
        Files.delete(key);
        ClientCertificate c = certificate(cert, key);
        assertTrue(c.keyManager().isEmpty());
        assertEquals("client certificate " + cert + " (key " + key + " unreadable: no such file)", c.describe());
    }

    @Test
    void unusableCertificateSaysWhy() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.crt"), "not a certificate\n");
        Path key = Files.writeString(dir.resolve("c.key"), "not a key\n");
        ClientCertificate c = certificate(cert, key);
        assertTrue(c.keyManager().isEmpty());
        assertEquals("client certificate " + cert + " (no CERTIFICATE block)", c.describe());
    }

    @Test
    void describeFollowsARotatedCertificate() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        TestPki.certificate(KUBEADM_SUBJECT).clientAuth().selfSigned().write(cert, key);
        Files.setLastModifiedTime(cert, FileTime.fromMillis(1_000_000));
        ClientCertificate c = certificate(cert, key);
        assertEquals("client certificate " + cert + " (CN=kube-apiserver-kubelet-client)", c.describe());

        TestPki.certificate("CN=rotated-client,O=system:masters").clientAuth().selfSigned().write(cert, key);
        tick(ClientCertificate.RETRY_NANOS / 1_000_000L);
        assertEquals("client certificate " + cert + " (CN=rotated-client)", c.describe());
    }

    @Test
    void certificateWithoutCnIsDescribedBySubject() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        TestPki.certificate("O=no-common-name").clientAuth().selfSigned().write(cert, key);
        assertEquals("client certificate " + cert + " (subject O=no-common-name)", certificate(cert, key).describe());
    }

    @Test
    void componentActivatesWithMissingFilesAndFollowsPathChanges() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        TestPki.certificate(KUBEADM_SUBJECT).clientAuth().selfSigned().write(cert, key);
        X509KubeletCredentials creds = new X509KubeletCredentials();
        creds.tls = tls;
        creds.activate(config("/nonexistent/x.crt", "/nonexistent/x.key"));
        assertTrue(creds.keyManager().isEmpty());
        assertTrue(creds.bearerToken().isEmpty());
        assertEquals("client certificate /nonexistent/x.crt (unreadable: no such file)", creds.describe());

        creds.modified(config(cert.toString(), key.toString()));
        assertTrue(creds.keyManager().isPresent());
        assertEquals("client certificate " + cert + " (CN=kube-apiserver-kubelet-client)", creds.describe());
    }

    private static X509Configuration config(String cert, String key) {
        return new X509Configuration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return X509Configuration.class;
            }

            @Override
            public String clientCertificate() {
                return cert;
            }

            @Override
            public String clientKey() {
                return key;
            }
        };
    }
}
