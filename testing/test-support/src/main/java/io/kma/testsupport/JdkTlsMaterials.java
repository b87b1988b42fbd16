package io.kma.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/**
 * The tls bundle's contract on the JDK alone, for tests outside OSGi that need no PEM flavours: certificates and
 * PKCS#8 keys (EC or RSA), read when asked (no reloading), with the tls bundle's wording for the errors that tests
 * show to users (missing file, no certificate, undecodable key). Counts key-manager loads.
 */
public final class JdkTlsMaterials implements TlsMaterials {

    private final AtomicInteger keyManagerLoads = new AtomicInteger();
    private final Map<Path, String> files = new ConcurrentHashMap<>();

    /**
     * Reads {@code pem} wherever {@code file} is asked for: for code that names a fixed host path (such as kubeadm's
     * /etc/kubernetes/pki/ca.crt) a test cannot write.
     */
    public JdkTlsMaterials withFile(Path file, String pem) {
        files.put(file, pem);
        return this;
    }

    /** How many key managers were made from files, for tests of callers that should cache them. */
    public int keyManagerLoads() {
        return keyManagerLoads.get();
    }

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
                throw new TlsException(source + ": no CERTIFICATE block");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new TlsException(source + ": no CERTIFICATE block");
        }
    }

    @Override
    public PrivateKey readPrivateKey(Path pemFile) throws TlsException {
        return parseKey(read(pemFile), pemFile.toString());
    }

    private static PrivateKey parseKey(String pem, String source) throws TlsException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new TlsException(source + ": private key cannot be decoded");
        }
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new TlsException(source + ": private key cannot be decoded");
    }

    @Override
    public X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException {
        return trustManager(read(caBundle), caBundle.toString());
    }

    @Override
    public X509ExtendedTrustManager trustManager(String caPem, String source) throws TlsException {
        return TestPki.trustManager(parseCertificates(caPem, source).toArray(new X509Certificate[0]));
    }

    @Override
    public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) throws TlsException {
        keyManagerLoads.incrementAndGet();
        return keyManager(readCertificates(certChain), readPrivateKey(privateKey), certChain.toString());
    }

    @Override
    public X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source) throws TlsException {
        return keyManager(parseCertificates(certChainPem, source), parseKey(privateKeyPem, source), source);
    }

    private static X509ExtendedKeyManager keyManager(List<X509Certificate> chain, PrivateKey key, String source)
            throws TlsException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException(source + ": " + e.getMessage());
        }
    }

    /** Not offered: tests that need the self-signed pair use the tls bundle's real implementation. */
    @Override
    public CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) {
        throw new UnsupportedOperationException("JdkTlsMaterials does not generate certificates");
    }

    private String read(Path file) throws TlsException {
        String given = files.get(file);
        if (given != null) {
            return given;
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": unreadable: no such file");
        } catch (IOException e) {
            throw new TlsException(file + ": unreadable: " + e.getMessage());
        }
    }
}
