package io.kma.api.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.osgi.annotation.versioning.ProviderType;

/**
 * PEM certificates, keys and CA bundles (PKCS#1, PKCS#8 and SEC1 keys; RSA and EC), provided by the
 * tls bundle. Key and trust managers returned for files follow those files: a changed file is
 * re-read on the next handshake that needs it, so rotation needs no restart.
 */
@ProviderType
public interface TlsMaterials {

    /** All certificates of a PEM file, in file order. */
    List<X509Certificate> readCertificates(Path pemFile) throws TlsException;

    /** Certificates from PEM text; {@code source} names where the text came from in errors. */
    List<X509Certificate> parseCertificates(String pem, String source) throws TlsException;

    /** The private key of a PEM file. */
    PrivateKey readPrivateKey(Path pemFile) throws TlsException;

    /** Trust manager for the CAs of a PEM bundle file; re-reads the file when it changes. */
    X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException;

    /** Trust manager for CAs given as PEM text (from a kubeconfig or a ConfigMap). */
    X509ExtendedTrustManager trustManager(String caPem, String source) throws TlsException;

    /** Key manager for a certificate chain file and its key file; re-reads them when they change. */
    X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) throws TlsException;

    /** Key manager for a certificate chain and key given as PEM text. */
    X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source) throws TlsException;

    /**
     * Returns {@code certDir/apiserver.crt} and {@code certDir/apiserver.key}, generating a self-signed
     * pair there when they do not exist yet (as upstream: a CA and a leaf for serverAuth, valid one year).
     *
     * @param dnsNames DNS subject alternative names of the leaf (e.g. localhost)
     * @param ips      IP subject alternative names of the leaf (e.g. 127.0.0.1)
     */
    CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) throws TlsException;

    /**
     * A new private key (EC P-256), generated here and never sent anywhere, and a PKCS#10 certificate request
     * signed with it, for a {@code certificates.k8s.io/v1} CertificateSigningRequest.
     *
     * @param commonName    the subject's CN (Kubernetes reads it as the user name)
     * @param organizations the subject's O values (Kubernetes reads them as groups); may be empty
     * @since 1.1 (the default, for providers written against 1.0, refuses)
     */
    default CertificateRequest certificateRequest(String commonName, List<String> organizations) throws TlsException {
        throw new TlsException("this TlsMaterials provider cannot generate certificate requests");
    }

    /**
     * A certificate request and the key it was signed with.
     *
     * @param requestPem    PEM "CERTIFICATE REQUEST"
     * @param privateKeyPem PEM "PRIVATE KEY" (PKCS#8); secret, never log it
     */
    record CertificateRequest(String requestPem, String privateKeyPem) {
        @Override
        public String toString() {
            return "CertificateRequest[key withheld]";
        }
    }

    /**
     * A certificate chain file and its key file.
     *
     * @param generated true when this call created them
     */
    record CertificateFiles(Path certificate, Path privateKey, boolean generated) {
    }
}
