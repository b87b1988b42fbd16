package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509ExtendedKeyManager;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kma.api.tls.TlsException;
import io.kma.tls.internal.PemFiles.KeyFormat;
import io.kma.testsupport.TestPki;

class PemParsingTest {

    @TempDir
    Path dir;

    private final BcTlsMaterials tls = new BcTlsMaterials();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"RSA, TRADITIONAL", "RSA, PKCS8", "EC, TRADITIONAL", "EC, PKCS8"})
    void readsKeysAndServesThemThroughTheKeyManager(String algorithm, KeyFormat format) throws Exception {
        KeyPair keys = TestPki.keyPair(algorithm);
        X509Certificate cert = PemFiles.certificate(keys, "leaf-" + algorithm);
        Path crt = PemFiles.write(dir.resolve("tls.crt"), PemFiles.pem(cert));
        String keyText = PemFiles.keyPem(keys, format);
        Path key = PemFiles.write(dir.resolve("tls.key"), keyText);
        String expectedHeader = format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                : algorithm.equals("RSA") ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
        assertEquals(expectedHeader, keyText.lines().findFirst().orElseThrow(), "fixture writes the format under test");

        PrivateKey read = tls.readPrivateKey(key);
        assertEquals(algorithm, read.getAlgorithm());
        assertSameKey(keys.getPrivate(), read);

        X509ExtendedKeyManager km = tls.keyManager(crt, key);
        String alias = km.chooseServerAlias(algorithm, null, null);
        assertEquals(cert, km.getCertificateChain(alias)[0]);
        assertSameKey(keys.getPrivate(), km.getPrivateKey(alias));
        assertEquals(null, km.chooseServerAlias(algorithm.equals("RSA") ? "EC" : "RSA", null, null),
                "a key type the key cannot serve is not chosen");
    }

    /** Same key whatever the encoding (SEC1 read back carries the optional public key, PKCS#8 from the JDK does not). */
    private static void assertSameKey(PrivateKey expected, PrivateKey actual) {
        assertEquals(expected.getAlgorithm(), actual.getAlgorithm());
        if (expected instanceof ECPrivateKey ec) {
            assertEquals(ec.getS(), ((ECPrivateKey) actual).getS());
            assertEquals(ec.getParams().getCurve(), ((ECPrivateKey) actual).getParams().getCurve());
        } else {
            assertArrayEquals(expected.getEncoded(), actual.getEncoded());
        }
    }

    @Test
    void readsEveryCertificateOfABundleInOrder() throws Exception {
        X509Certificate a = PemFiles.certificate(TestPki.keyPair("EC"), "a");
        X509Certificate b = PemFiles.certificate(TestPki.keyPair("EC"), "b");
        Path bundle = PemFiles.write(dir.resolve("ca.crt"), "# comment lines are ignored\n" + PemFiles.pem(a, b));
        assertEquals(List.of(a, b), tls.readCertificates(bundle));
        assertEquals(2, tls.trustManager(bundle).getAcceptedIssuers().length);
    }

    @Test
    void ecKeyWithParametersBlockIsRead() throws Exception {
        KeyPair keys = TestPki.keyPair("EC");
        String text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + PemFiles.keyPem(keys, KeyFormat.TRADITIONAL);
        assertSameKey(keys.getPrivate(), tls.readPrivateKey(PemFiles.write(dir.resolve("openssl-ec.key"), text)));
    }

    @Test
    void fileWithoutCertificateIsNamedInTheError() throws Exception {
        Path keyOnly = PemFiles.write(dir.resolve("ca.crt"),
                PemFiles.keyPem(TestPki.keyPair("EC"), KeyFormat.PKCS8));
        TlsException e = assertThrows(TlsException.class, () -> tls.readCertificates(keyOnly));
        assertEquals(keyOnly + ": no CERTIFICATE block", e.getMessage());

        Path empty = PemFiles.write(dir.resolve("empty.crt"), "");
        assertEquals(empty + ": no CERTIFICATE block",
                assertThrows(TlsException.class, () -> tls.trustManager(empty)).getMessage());
    }

    @Test
    void fileWithoutKeyIsNamedInTheError() throws Exception {
        Path certOnly = PemFiles.write(dir.resolve("k.key"),
                PemFiles.pem(PemFiles.certificate(TestPki.keyPair("EC"), "x")));
        TlsException e = assertThrows(TlsException.class, () -> tls.readPrivateKey(certOnly));
        assertEquals(certOnly + ": no private key block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                e.getMessage());
    }

    @Test
    void missingFileIsUnreadable() {
        Path missing = dir.resolve("nope.key");
        assertEquals(missing + ": unreadable: no such file",
                assertThrows(TlsException.class, () -> tls.readPrivateKey(missing)).getMessage());
    }

    @Test
    void unreadableFileSaysPermissionDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads files whatever their mode");
        Path key = PemFiles.write(dir.resolve("k.key"), PemFiles.keyPem(TestPki.keyPair("EC"), KeyFormat.PKCS8));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        assertEquals(key + ": unreadable: permission denied",
                assertThrows(TlsException.class, () -> tls.readPrivateKey(key)).getMessage());
    }

    @Test
    void corruptBlockIsMalformed() throws Exception {
        Path bad = PemFiles.write(dir.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
        String message = assertThrows(TlsException.class, () -> tls.readCertificates(bad)).getMessage();
        assertEquals(bad + ": malformed PEM", message.substring(0, message.indexOf(": malformed PEM") + 15), message);
    }

    @Test
    void certificateAndKeyOfDifferentPairsDoNotMatch() throws Exception {
        Path crt = PemFiles.write(dir.resolve("tls.crt"), PemFiles.pem(PemFiles.certificate(TestPki.keyPair("RSA"), "a")));
        Path key = PemFiles.write(dir.resolve("tls.key"),
                PemFiles.keyPem(TestPki.keyPair("RSA"), KeyFormat.TRADITIONAL));
        assertEquals(crt + ", " + key + ": certificate and key do not match",
                assertThrows(TlsException.class, () -> tls.keyManager(crt, key)).getMessage());

        Path ecKey = PemFiles.write(dir.resolve("ec.key"),
                PemFiles.keyPem(TestPki.keyPair("EC"), KeyFormat.PKCS8));
        assertEquals(crt + ", " + ecKey + ": certificate and key do not match",
                assertThrows(TlsException.class, () -> tls.keyManager(crt, ecKey)).getMessage());
    }

    @Test
    void encryptedKeyIsRefusedClearly() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(TestPki.keyPair("EC").getPrivate(),
                    new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build("secret".toCharArray()));
        }
        Path key = PemFiles.write(dir.resolve("enc.key"), out.toString());
        assertEquals(key + ": encrypted private keys are not supported",
                assertThrows(TlsException.class, () -> tls.readPrivateKey(key)).getMessage());
    }

    @Test
    void pemTextSourcesAreNamedInErrors() {
        assertEquals("kubeconfig users[0]: no CERTIFICATE block", assertThrows(TlsException.class,
                () -> tls.keyManager("junk", "junk", "kubeconfig users[0]")).getMessage());
    }
}
