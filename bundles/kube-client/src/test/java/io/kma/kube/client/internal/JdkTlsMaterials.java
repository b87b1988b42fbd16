package io.kma.kube.client.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/** Stand-in for the tls bundle in tests without OSGi: PKCS#8 keys and certificates with the JDK only. */
final class JdkTlsMaterials implements TlsMaterials {

    @Override
    public List<X509Certificate> readCertificates(Path pemFile) throws TlsException {
        return parseCertificates(read(pemFile), pemFile.toString());
    }

    @Override
    public List<X509Certificate> parseCertificates(String pem, String source) throws TlsException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsException(source + ": no certificate");
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new TlsException(source + ": not a PEM certificate");
        }
    }

    @Override
    public PrivateKey readPrivateKey(Path pemFile) throws TlsException {
        return parseKey(read(pemFile), pemFile.toString());
    }

    static PrivateKey parseKey(String pem, String source) throws TlsException {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        for (String alg : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception e) {
                // next algorithm
            }
        }
        throw new TlsException(source + ": not a PKCS#8 key");
    }

    @Override
    public X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException {
        return trustManager(read(caBundle), caBundle.toString());
    }

    @Override
    public X509ExtendedTrustManager trustManager(String caPem, String source) throws TlsException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : parseCertificates(caPem, source)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        } catch (TlsException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsException(source + ": " + e);
        }
    }

    @Override
    public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) throws TlsException {
        return keyManager(read(certChain), read(privateKey), certChain.toString());
    }

    @Override
    public X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source)
            throws TlsException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", parseKey(privateKeyPem, source), new char[0],
                    parseCertificates(certChainPem, source).toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        } catch (TlsException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsException(source + ": " + e);
        }
    }

    @Override
    public CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) {
        throw new UnsupportedOperationException();
    }

    private static String read(Path p) throws TlsException {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsException(p + ": not readable");
        }
    }
}
