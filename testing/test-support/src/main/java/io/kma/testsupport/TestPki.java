package io.kma.testsupport;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

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

/**
 * Throw-away certificates for tests, made with Bouncy Castle (the JDK has no public certificate builder): CAs,
 * intermediates, serving and client leaves on EC P-256 (cheap to make), RSA where asked, and the JSSE and PEM
 * forms the tests hand to the code under test.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    /**
     * A certificate with its private key and the certificate that signed it (itself when self-signed).
     */
    public record Issued(X509Certificate cert, PrivateKey key, X509Certificate issuer) {

        public String certPem() {
            return pem(cert);
        }

        public String keyPem() {
            return pem(key);
        }

        /** The certificate and its issuer (unless self-signed), as a TLS peer sends them. */
        public X509Certificate[] chain() {
            return cert.equals(issuer) ? new X509Certificate[] {cert} : new X509Certificate[] {cert, issuer};
        }

        public X509ExtendedKeyManager keyManager() {
            return TestPki.keyManager(this);
        }

        /** Writes the certificate chain and the PKCS#8 key as PEM files. */
        public void write(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, pem(chain()), StandardCharsets.US_ASCII);
            Files.writeString(keyFile, keyPem(), StandardCharsets.US_ASCII);
        }
    }

    /** A self-signed CA named {@code CN=cn}. */
    public static Issued ca(String cn) {
        return certificate("CN=" + cn).ca().selfSigned();
    }

    /** An intermediate CA named {@code CN=cn}, signed by {@code parent}. */
    public static Issued intermediate(Issued parent, String cn) {
        return certificate("CN=" + cn).ca().signedBy(parent);
    }

    /** A serving certificate (serverAuth); see {@link Builder#sans} for how {@code sans} are read. */
    public static Issued server(Issued ca, String cn, String... sans) {
        return certificate("CN=" + cn).serverAuth().sans(sans).signedBy(ca);
    }

    /** A client certificate (clientAuth); {@code subject} like "CN=alice,O=devs" (CN the user, O the groups). */
    public static Issued client(Issued ca, String subject) {
        return certificate(subject).clientAuth().signedBy(ca);
    }

    /** A builder for anything else; {@code subject} is a whole distinguished name, like "CN=alice,O=devs". */
    public static Builder certificate(String subject) {
        return new Builder(subject);
    }

    /** A fresh EC P-256 or RSA 2048 key pair. */
    public static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " keys unavailable", e);
        }
    }

    /** Certificate options; unset, a leaf valid from an hour ago for a day, without extended key usage. */
    public static final class Builder {
        private final String subject;
        private KeyPair keys;
        private boolean ca;
        private KeyPurposeId purpose;
        private final List<GeneralName> sans = new ArrayList<>();
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(1));

        private Builder(String subject) {
            this.subject = subject;
        }

        public Builder keys(KeyPair keyPair) {
            this.keys = keyPair;
            return this;
        }

        /** A CA: basic constraints CA:true, key usage certificate and CRL signing. */
        public Builder ca() {
            this.ca = true;
            return this;
        }

        public Builder serverAuth() {
            return purpose(KeyPurposeId.id_kp_serverAuth);
        }

        public Builder clientAuth() {
            return purpose(KeyPurposeId.id_kp_clientAuth);
        }

        public Builder purpose(KeyPurposeId extendedKeyUsage) {
            this.purpose = extendedKeyUsage;
            return this;
        }

        /** Subject alternative names: IP literals (a digit first, or a colon) as IP addresses, others (or "dns:x") as DNS names. */
        public Builder sans(String... names) {
            for (String s : names) {
                if (s.startsWith("dns:")) {
                    sans.add(new GeneralName(GeneralName.dNSName, s.substring(4)));
                } else if (Character.isDigit(s.charAt(0)) || s.indexOf(':') >= 0) {
                    sans.add(new GeneralName(GeneralName.iPAddress, s));
                } else {
                    sans.add(new GeneralName(GeneralName.dNSName, s));
                }
            }
            return this;
        }

        public Builder validity(Instant from, Instant until) {
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        public Issued selfSigned() {
            KeyPair k = keys != null ? keys : keyPair("EC");
            X509Certificate c = build(new X500Name(subject), k, k.getPrivate());
            return new Issued(c, k.getPrivate(), c);
        }

        public Issued signedBy(Issued issuer) {
            KeyPair k = keys != null ? keys : keyPair("EC");
            X500Name issuerName = X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
            return new Issued(build(issuerName, k, issuer.key()), k.getPrivate(), issuer.cert());
        }

        private X509Certificate build(X500Name issuer, KeyPair subjectKeys, PrivateKey signingKey) {
            try {
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                        Date.from(notBefore), Date.from(notAfter), new X500Name(subject), subjectKeys.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                if (ca) {
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                }
                if (purpose != null) {
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                }
                if (!sans.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
                }
                String algorithm = signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot make a test certificate for " + subject, e);
            }
        }
    }

    // ---- JSSE ----

    /** The JDK's PKIX trust manager for {@code cas}. */
    public static X509ExtendedTrustManager trustManager(X509Certificate... cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i]);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(ks);
            return (X509ExtendedTrustManager) f.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK's key manager presenting {@code leaf} with its chain. */
    public static X509ExtendedKeyManager keyManager(Issued leaf) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", leaf.key(), new char[0], leaf.chain());
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(ks, new char[0]);
            return (X509ExtendedKeyManager) f.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting {@code serverCa} (null: anything), presenting {@code identity} when not null. */
    public static SSLContext clientContext(X509Certificate serverCa, Issued identity) {
        return context(identity, serverCa == null ? trustAll() : trustManager(serverCa));
    }

    /** A server context presenting {@code identity} that requests client certificates but leaves checking them to the handler. */
    public static SSLContext serverContext(Issued identity) {
        return context(identity, trustAll());
    }

    private static SSLContext context(Issued identity, TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(identity == null ? null : new X509ExtendedKeyManager[] {keyManager(identity)}, new TrustManager[] {trust},
                    RANDOM);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Accepts any peer. Tests only: for clients that look at what a server presents, and for test servers that
     * leave client certificates to the handler under test. Extended, so JSSE adds no checks of its own.
     */
    public static X509ExtendedTrustManager trustAll() {
        return new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
            @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
            @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a) { }

            @Override public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    // ---- PEM ----

    /** "CERTIFICATE" blocks, in order. */
    public static String pem(X509Certificate... certs) {
        StringBuilder out = new StringBuilder();
        try {
            for (X509Certificate c : certs) {
                out.append(pem("CERTIFICATE", c.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** A "PRIVATE KEY" (PKCS#8) block: what Go, OpenSSL and the JDK all read. */
    public static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Base64 of the text, as kubeconfig's *-data fields hold PEM. */
    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
