package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.tls.TlsMaterials.CertificateFiles;

class SelfSignedTest {

    @TempDir
    Path tmp;

    private final BcTlsMaterials tls = new BcTlsMaterials();

    @Test
    void generatesLikeUpstreamAndReusesOnTheNextStart() throws Exception {
        Path certDir = tmp.resolve("var/certs");
        long t0 = System.nanoTime();
        CertificateFiles files = tls.selfSigned(certDir, List.of("localhost"), List.of("127.0.0.1", "192.0.2.10"));
        System.out.printf("self-signed generation took %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertTrue(files.generated());
        assertEquals(certDir.resolve("apiserver.crt"), files.certificate());
        assertEquals(certDir.resolve("apiserver.key"), files.privateKey());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey())));
        assertEquals(Set.of("apiserver.crt", "apiserver.key"),
                Files.list(certDir).map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                "no temporary files are left behind");

        List<X509Certificate> chain = tls.readCertificates(files.certificate());
        assertEquals(2, chain.size(), "leaf then CA");
        X509Certificate leaf = chain.get(0);
        X509Certificate ca = chain.get(1);
        leaf.verify(ca.getPublicKey());
        assertTrue(leaf.getSubjectX500Principal().getName().matches("CN=localhost@\\d+"), leaf.getSubjectX500Principal().getName());
        assertTrue(ca.getSubjectX500Principal().getName().matches("CN=localhost-ca@\\d+"));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage(), "serverAuth");
        assertEquals(-1, leaf.getBasicConstraints(), "leaf is not a CA");
        assertTrue(ca.getBasicConstraints() >= 0, "CA is a CA");
        Set<String> sans = leaf.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).collect(Collectors.toSet());
        assertEquals(Set.of("localhost", "127.0.0.1", "192.0.2.10"), sans);
        Instant notBefore = leaf.getNotBefore().toInstant();
        assertTrue(Duration.between(notBefore, Instant.now()).toMinutes() >= 59, "NotBefore is an hour ago");
        assertEquals(Duration.ofDays(365), Duration.between(notBefore, leaf.getNotAfter().toInstant()));
        assertTrue(KeyPairMatch.matches(leaf.getPublicKey(), tls.readPrivateKey(files.privateKey())));

        String before = Files.readString(files.certificate());
        CertificateFiles again = tls.selfSigned(certDir, List.of("localhost"), List.of("127.0.0.1"));
        assertEquals(false, again.generated());
        assertEquals(before, Files.readString(again.certificate()), "an existing pair is reused, not replaced");
    }

    @Test
    void userProvidedPairInTheCertDirIsUsed() throws Exception {
        Path crt = tmp.resolve("apiserver.crt");
        Path key = tmp.resolve("apiserver.key");
        X509Certificate mine = PemFiles.writePair(crt, key, "RSA", "my-own");
        CertificateFiles files = tls.selfSigned(tmp, List.of("localhost"), List.of("127.0.0.1"));
        assertEquals(false, files.generated());
        assertEquals(mine, tls.readCertificates(files.certificate()).get(0));
    }

    @Test
    void brokenPairIsReplaced() throws Exception {
        PemFiles.write(tmp.resolve("apiserver.crt"), "garbage");
        CertificateFiles files = tls.selfSigned(tmp, List.of("localhost"), List.of("127.0.0.1"));
        assertTrue(files.generated());
        assertEquals(2, tls.readCertificates(files.certificate()).size());
    }

    @Test
    void aGeneratedPairIsRenewedThirtyDaysBeforeItExpires() throws Exception {
        CertificateDirectory dir = new CertificateDirectory(tmp);
        dir.write(SelfSignedCertificate.generate(List.of("localhost"), List.of("127.0.0.1"),
                Instant.now().minus(Duration.ofDays(340)))); // expires in 25 days
        X509Certificate old = tls.readCertificates(dir.certificate()).get(0);
        assertTrue(SelfSignedCertificate.generatedHere(old));
        CertificateFiles files = tls.selfSigned(tmp, List.of("localhost"), List.of("127.0.0.1"));
        assertTrue(files.generated());
        X509Certificate renewed = tls.readCertificates(files.certificate()).get(0);
        assertTrue(renewed.getNotAfter().after(old.getNotAfter()));
        assertEquals(false, tls.selfSigned(tmp, List.of("localhost"), List.of("127.0.0.1")).generated(), "renewed once");

        // 31 days left: not yet.
        dir.write(SelfSignedCertificate.generate(List.of("localhost"), List.of("127.0.0.1"),
                Instant.now().minus(Duration.ofDays(334))));
        assertEquals(false, tls.selfSigned(tmp, List.of("localhost"), List.of("127.0.0.1")).generated());
    }

    @Test
    void anOperatorsPairIsNotRenewedBeforeItExpires() throws Exception {
        X509Certificate mine = PemFiles.writePair(tmp.resolve("apiserver.crt"), tmp.resolve("apiserver.key"), "RSA", "my-own");
        assertEquals(false, SelfSignedCertificate.generatedHere(mine));
    }
}
