package io.kma.itest;

import java.io.Reader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import io.kma.testsupport.TestPki;

/** HTTPS clients for tests, built from the PEM files the simulator and the appliance write. */
final class TlsClients {

    private TlsClients() {
    }

    /**
     * A client that trusts {@code caFile} (or anything when null: the appliance's self-signed certificate) and
     * presents {@code cert}/{@code key} when given.
     */
    static HttpClient client(Path caFile, Path cert, Path key) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(cert, key), caFile == null ? new TrustManager[] {TestPki.trustAll()} : trustManagers(caFile), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    static KeyManager[] keyManagers(Path cert, Path key) throws Exception {
        if (cert == null) {
            return null;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<X509Certificate> chain = certificates(cert);
        ks.setKeyEntry("client", privateKey(key), new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
    }

    static TrustManager[] trustManagers(Path caFile) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(caFile)) {
            ts.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    static List<X509Certificate> certificates(Path pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(pem); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        }
        return out;
    }

    static PrivateKey privateKey(Path pem) throws Exception {
        try (Reader r = Files.newBufferedReader(pem); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IllegalArgumentException(pem + ": no private key");
        }
    }

    /**
     * A client presenting a certificate with {@code cn} and {@code O=system:masters} from a CA the
     * cluster has never seen, as an attacker could make.
     */
    static HttpClient foreignClient(String cn) throws Exception {
        TestPki.Issued forged = TestPki.client(TestPki.ca("front-proxy-ca"), "CN=" + cn + ",O=system:masters");
        return HttpClient.newBuilder().sslContext(TestPki.clientContext(null, forged)).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }
}
