package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.testsupport.TestPki;

/** Managers built from files follow the files, checked at most once per interval, on use. */
class ReloadTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final BcTlsMaterials tls = new BcTlsMaterials(clock::get, Duration.ofSeconds(1));

    private void tick() {
        clock.addAndGet(Duration.ofMillis(1001).toNanos());
    }

    private static X509Certificate served(X509ExtendedKeyManager km, String keyType) {
        String alias = km.chooseEngineServerAlias(keyType, null, null);
        return alias == null ? null : km.getCertificateChain(alias)[0];
    }

    @Test
    void keyManagerServesRotatedFilesAfterTheCheckInterval() throws Exception {
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        X509Certificate first = PemFiles.writePair(crt, key, "EC", "first");
        X509ExtendedKeyManager km = tls.keyManager(crt, key);
        assertEquals(first, served(km, "EC"));

        X509Certificate second = PemFiles.writePair(crt, key, "RSA", "second");
        assertEquals(first, served(km, "EC"), "within the interval the files are not even looked at");
        tick();
        assertEquals(second, served(km, "RSA"), "after the interval the changed files are re-read");
        assertEquals(null, served(km, "EC"), "the new key is RSA");
    }

    @Test
    void aHandshakeThatChoseTheOldIdentityStillGetsItsKey() throws Exception {
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        X509Certificate first = PemFiles.writePair(crt, key, "EC", "first");
        X509ExtendedKeyManager km = tls.keyManager(crt, key);
        String oldAlias = km.chooseEngineServerAlias("EC", null, null);

        PemFiles.writePair(crt, key, "EC", "second");
        tick();
        String newAlias = km.chooseEngineServerAlias("EC", null, null);
        assertEquals(false, oldAlias.equals(newAlias));
        assertEquals(first, km.getCertificateChain(oldAlias)[0]);
        assertEquals(first.getPublicKey().getAlgorithm(), km.getPrivateKey(oldAlias).getAlgorithm());
        assertEquals(true, KeyPairMatch.matches(km.getCertificateChain(newAlias)[0].getPublicKey(),
                km.getPrivateKey(newAlias)));
    }

    @Test
    void brokenNewFileKeepsTheLastGoodMaterialUntilFixed() throws Exception {
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        X509Certificate first = PemFiles.writePair(crt, key, "EC", "first");
        X509ExtendedKeyManager km = tls.keyManager(crt, key);

        PemFiles.write(crt, "garbage\n");
        tick();
        assertEquals(first, served(km, "EC"), "a broken certificate file keeps the last good one");

        // Half a rotation: new certificate, old key. Still the old pair.
        PemFiles.write(crt, PemFiles.pem(PemFiles.certificate(TestPki.keyPair("EC"), "half")));
        tick();
        assertEquals(first, served(km, "EC"), "a certificate that does not match the key keeps the last good pair");

        X509Certificate fixed = PemFiles.writePair(crt, key, "EC", "fixed");
        tick();
        assertEquals(fixed, served(km, "EC"));
    }

    @Test
    void trustManagerFollowsTheCaBundle() throws Exception {
        var caA = TestPki.keyPair("EC");
        var caB = TestPki.keyPair("EC");
        X509Certificate certA = PemFiles.certificate(caA, "ca-a");
        X509Certificate certB = PemFiles.certificate(caB, "ca-b");
        Path bundle = PemFiles.write(dir.resolve("ca.crt"), PemFiles.pem(certA));
        X509ExtendedTrustManager tm = tls.trustManager(bundle);
        tm.checkClientTrusted(new X509Certificate[] {certA}, "ECDHE_ECDSA");
        assertThrows(CertificateException.class, () -> tm.checkClientTrusted(new X509Certificate[] {certB}, "ECDHE_ECDSA"));

        PemFiles.write(bundle, PemFiles.pem(certB));
        tick();
        tm.checkClientTrusted(new X509Certificate[] {certB}, "ECDHE_ECDSA");
        assertThrows(CertificateException.class, () -> tm.checkClientTrusted(new X509Certificate[] {certA}, "ECDHE_ECDSA"));
    }
}
