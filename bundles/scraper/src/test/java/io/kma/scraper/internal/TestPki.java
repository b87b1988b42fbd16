package io.kma.scraper.internal;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/** Test certificates made with Bouncy Castle: a CA, kubelet serving certificates and client certificates. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] PW = "x".toCharArray();

    final KeyPair caKeys;
    final X509Certificate ca;

    TestPki(String caName) throws Exception {
        caKeys = keys();
        ca = cert("CN=" + caName, caKeys, "CN=" + caName, caKeys.getPrivate(), true, List.of(), List.of(), null);
    }

    record Issued(X509Certificate cert, PrivateKey key) {
    }

    /** A leaf; names starting with a digit are IP SANs, others (and names prefixed "dns:") DNS SANs. */
    Issued issue(String cn, boolean server, String... sans) throws Exception {
        KeyPair k = keys();
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String s : sans) {
            if (s.startsWith("dns:")) {
                dns.add(s.substring(4));
            } else {
                (Character.isDigit(s.charAt(0)) || s.indexOf(':') >= 0 ? ips : dns).add(s);
            }
        }
        return new Issued(cert("CN=" + cn, k, ca.getSubjectX500Principal().getName(), caKeys.getPrivate(), false, dns, ips,
                server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth), k.getPrivate());
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate cert(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey, boolean isCa,
            List<String> dns, List<String> ips, KeyPurposeId purpose) throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(now - 60_000), new Date(now + 86_400_000L),
                new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (purpose != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (!dns.isEmpty() || !ips.isEmpty()) {
            List<GeneralName> names = new ArrayList<>();
            dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    X509ExtendedTrustManager trustManager() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return (X509ExtendedTrustManager) f.getTrustManagers()[0];
    }

    static X509ExtendedKeyManager keyManager(Issued leaf, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", leaf.key(), PW, new X509Certificate[] {leaf.cert(), ca});
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(ks, PW);
        return (X509ExtendedKeyManager) f.getKeyManagers()[0];
    }

    /** TlsMaterials for unit tests: only trustManager(Path) is used by the scraper; it trusts this CA. */
    TlsMaterials tlsMaterials() {
        TestPki pki = this;
        return new TlsMaterials() {
            @Override
            public X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException {
                try {
                    return pki.trustManager();
                } catch (Exception e) {
                    throw new TlsException(e.toString());
                }
            }

            @Override
            public List<X509Certificate> readCertificates(Path pemFile) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<X509Certificate> parseCertificates(String pem, String source) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PrivateKey readPrivateKey(Path pemFile) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509ExtendedTrustManager trustManager(String caPem, String source) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Client-certificate credentials (optionally with a token), as kubelet-auth-x509 would provide. */
    static KubeletCredentials credentials(X509KeyManager km, String token, String description) {
        return new KubeletCredentials() {
            @Override
            public Optional<X509KeyManager> keyManager() {
                return Optional.ofNullable(km);
            }

            @Override
            public Optional<String> bearerToken() {
                return Optional.ofNullable(token);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
