package io.kma.simulator;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test PKI with EC P-256 keys: cheap enough to issue thousands of kubelet serving
 * certificates at start. Bouncy Castle only builds and signs; the JDK provider does the
 * crypto so that no provider registration is needed.
 */
public final class Pki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis() * 1000);
    private static final Duration VALIDITY = Duration.ofDays(365);

    /** A certificate with its key; the chain ends with the leaf's issuer (not included). */
    public record Issued(X509Certificate cert, PrivateKey key) {
        public KeyPair keyPair() {
            return new KeyPair(cert.getPublicKey(), key);
        }
    }

    private Pki() {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    public static Issued newCa(String cn) {
        KeyPair kp = newKeyPair();
        X500Name name = name(cn, List.of());
        try {
            X509v3CertificateBuilder b = builder(name, name, kp);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create CA " + cn, e);
        }
    }

    /** A client certificate (clientAuth EKU): CN is the user, O the groups, as Kubernetes reads them. */
    public static Issued issueClient(Issued ca, String cn, List<String> orgs, KeyPair kp) {
        try {
            X509v3CertificateBuilder b = builder(ca.cert(), name(cn, orgs), kp);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
            return new Issued(sign(b, ca.key()), kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue client cert " + cn, e);
        }
    }

    /**
     * What kube-controller-manager's kube-apiserver-client signer issues for an approved request: the request's
     * subject and key, EKU clientAuth, not a CA, valid from 5 minutes ago for {@code ttl} (capped at the CA's end).
     */
    public static X509Certificate issueFromRequest(Issued ca, org.bouncycastle.pkcs.PKCS10CertificationRequest csr, Duration ttl) {
        try {
            Instant now = Instant.now();
            Date notAfter = Date.from(now.plus(ttl));
            if (notAfter.after(ca.cert().getNotAfter())) {
                notAfter = ca.cert().getNotAfter();
            }
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                    new BigInteger(128, RANDOM), Date.from(now.minus(Duration.ofMinutes(5))), notAfter, csr.getSubject(),
                    csr.getSubjectPublicKeyInfo());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
            return sign(b, ca.key());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the request of " + csr.getSubject(), e);
        }
    }

    /** A serving certificate (serverAuth EKU) with the given DNS and IP subject alternative names. */
    public static Issued issueServer(Issued ca, String cn, List<String> dnsNames, List<String> ips, KeyPair kp) {
        try {
            X509v3CertificateBuilder b = builder(ca.cert(), name(cn, List.of()), kp);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            List<GeneralName> sans = new ArrayList<>();
            dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
            ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            return new Issued(sign(b, ca.key()), kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue serving cert " + cn, e);
        }
    }

    private static X500Name name(String cn, List<String> orgs) {
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
        orgs.forEach(o -> nb.addRDN(BCStyle.O, o));
        nb.addRDN(BCStyle.CN, cn);
        return nb.build();
    }

    private static X509v3CertificateBuilder builder(X509Certificate issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    // ---- PEM ----

    public static String pem(Object o) {
        if (o instanceof PrivateKey k) {
            // PKCS#8 with the curve parameters: what Go, OpenSSL and the JDK all read
            return "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(k.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    /** Writes NAME.crt and NAME.key (key mode 0600) under dir. */
    public static void write(Path dir, String name, Issued issued) throws IOException {
        writeAtomic(dir.resolve(name + ".crt"), pem(issued.cert()), false);
        writeAtomic(dir.resolve(name + ".key"), pem(issued.key()), true);
    }

    public static void writeAtomic(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: the test PKI is not secret anyway
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- JSSE ----

    public static KeyStore trustStore(X509Certificate... cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i]);
            }
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrustManager[] trustManagers(X509Certificate... cas) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore(cas));
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSLContext presenting {@code identity} (may be null) and trusting {@code cas} (none: trust all). */
    public static SSLContext sslContext(Issued identity, List<X509Certificate> chainTail, X509Certificate... cas) {
        try {
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                List<X509Certificate> chain = new ArrayList<>();
                chain.add(identity.cert());
                chain.addAll(chainTail);
                ks.setKeyEntry("key", identity.key(), new char[0], chain.toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), cas.length == 0 ? new TrustManager[]{new TrustAll()} : trustManagers(cas), RANDOM);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build SSLContext", e);
        }
    }

    /** An SSLContext with an explicit key manager and trust managers. */
    public static SSLContext context(javax.net.ssl.KeyManager km, TrustManager[] tms) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(km == null ? null : new javax.net.ssl.KeyManager[]{km}, tms, RANDOM);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build SSLContext", e);
        }
    }

    /**
     * For --aggregator-insecure-skip-tls-verify, the APIService insecureSkipTLSVerify equivalent.
     * Extended, so that JSSE does not add its own hostname check on top.
     */
    static final class TrustAll extends javax.net.ssl.X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    public static X509Certificate readCert(Path file) throws IOException {
        return readCerts(Files.readString(file)).get(0);
    }

    public static List<X509Certificate> readCerts(String pem) {
        try {
            java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("bad certificate PEM", e);
        }
    }

    public static PrivateKey readKey(Path file) throws IOException {
        try (var r = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(file))) {
            Object o = r.readObject();
            var conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo pki) {
                return conv.getPrivateKey(pki);
            }
            throw new IOException("no private key in " + file);
        }
    }
}
