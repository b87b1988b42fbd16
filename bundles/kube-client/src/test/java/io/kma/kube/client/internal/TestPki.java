package io.kma.kube.client.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA with a server certificate (DNS names only, no IP) and a client certificate. */
final class TestPki {

    static final String SERVER_NAME = "kubernetes.default.svc";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final KeyPair caKey;
    final X509Certificate ca;
    final KeyPair serverKey;
    final X509Certificate server;
    final KeyPair clientKey;
    final X509Certificate client;

    TestPki() throws Exception {
        this("CN=metrics-appliance,O=system:monitoring");
    }

    /** With a client certificate for {@code clientSubject}. */
    TestPki(String clientSubject) throws Exception {
        caKey = ec();
        ca = sign("CN=kma-test-ca", caKey, "CN=kma-test-ca", caKey, true, null, null);
        serverKey = ec();
        server = sign("CN=kube-apiserver", serverKey, "CN=kma-test-ca", caKey, false, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, SERVER_NAME),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
        clientKey = ec();
        client = sign(clientSubject, clientKey, "CN=kma-test-ca", caKey, false,
                KeyPurposeId.id_kp_clientAuth, null);
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
            boolean isCa, KeyPurposeId purpose, GeneralNames sans) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject), subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.digitalSignature
                : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        if (purpose != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    static String pem(X509Certificate cert) throws Exception {
        return pem("CERTIFICATE", cert.getEncoded());
    }

    static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes ca.crt, client.crt and client.key into {@code dir}. */
    void writeFiles(Path dir) throws Exception {
        write(dir.resolve("ca.crt"), pem(ca));
        write(dir.resolve("client.crt"), pem(client));
        write(dir.resolve("client.key"), pem(clientKey.getPrivate()));
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.US_ASCII);
    }
}
