package io.kma.http.server.internal;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.api.tls.TlsMaterials.CertificateFiles;

/**
 * The listener's TLS: protocols, cipher suites and the SSLContext with the serving key manager.
 *
 * @param context     the SSLContext
 * @param description what is served, for the log (file names, never key material)
 */
record ServingTls(SSLContext context, String description) {

    /**
     * ECDHE with AEAD only (Mozilla "intermediate" without DHE), TLS 1.3 suites first. All are allowed
     * under HTTP/2 (RFC 9113 §9.2.2); Go clients, kube-apiserver included, offer them.
     */
    private static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Serving certificate from tlsCertFile/tlsPrivateKeyFile, else the self-signed pair in certDir. The
     * key manager re-reads the files when they change, so a rotated certificate is served on new
     * handshakes without touching the listener or open connections.
     */
    static ServingTls create(ServerSettings settings, TlsMaterials tls) throws TlsException {
        String description;
        X509ExtendedKeyManager keyManager;
        if (settings.tlsCertFile() != null) {
            keyManager = tls.keyManager(settings.tlsCertFile(), settings.tlsPrivateKeyFile());
            description = "certificate " + settings.tlsCertFile();
        } else {
            CertificateFiles files = tls.selfSigned(settings.certDir(), List.of("localhost"), settings.selfSignedIps());
            keyManager = tls.keyManager(files.certificate(), files.privateKey());
            description = "self-signed certificate " + files.certificate();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, new TrustManager[] {new AnyClientCertificate()}, null);
            return new ServingTls(context, description);
        } catch (GeneralSecurityException e) {
            throw new TlsException("TLS cannot be set up: " + e.getMessage());
        }
    }

    /** TLS 1.2 and 1.3, or 1.3 alone; never 1.0 or 1.1, whatever java.security enables. */
    static String[] protocols(ServerSettings settings) {
        return settings.tls13Only() ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"};
    }

    String[] cipherSuites() {
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        return CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
    }
}
