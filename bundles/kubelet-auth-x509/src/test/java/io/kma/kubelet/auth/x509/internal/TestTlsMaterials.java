package io.kma.kubelet.auth.x509.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/** The part of TlsMaterials the credentials use, on the JDK alone (EC PKCS#8 keys only); counts loads. */
final class TestTlsMaterials implements TlsMaterials {

    final AtomicInteger keyManagerCalls = new AtomicInteger();

    @Override
    public List<X509Certificate> readCertificates(Path pemFile) throws TlsException {
        byte[] bytes = read(pemFile);
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsException(pemFile + ": no CERTIFICATE block");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new TlsException(pemFile + ": no CERTIFICATE block");
        }
    }

    @Override
    public PrivateKey readPrivateKey(Path pemFile) throws TlsException {
        String pem = new String(read(pemFile));
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsException(pemFile + ": private key cannot be decoded");
        }
    }

    @Override
    public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) throws TlsException {
        keyManagerCalls.incrementAndGet();
        List<X509Certificate> chain = readCertificates(certChain);
        PrivateKey key = readPrivateKey(privateKey);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new TlsException(certChain + ": no key manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException(certChain + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path file) throws TlsException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": unreadable: no such file");
        } catch (IOException e) {
            throw new TlsException(file + ": unreadable: " + e.getMessage());
        }
    }

    @Override
    public List<X509Certificate> parseCertificates(String pem, String source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public X509ExtendedTrustManager trustManager(Path caBundle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public X509ExtendedTrustManager trustManager(String caPem, String source) {
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
}
