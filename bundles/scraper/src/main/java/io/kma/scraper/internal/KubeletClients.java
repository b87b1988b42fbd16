package io.kma.scraper.internal;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.hc.client5.http.ssl.HttpClientHostnameVerifier;

import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.shared.x509.TrustAllManager;

/**
 * Keeps one {@link KubeletHttpClient} (and so one SSLContext and one connection pool) per TLS setup:
 * the bound credentials service, the TlsMaterials service and CA file, the insecure flag, and the
 * timeouts. A change of any of them (a strategy bundle swapped, a reconfiguration) builds a new
 * client at the next tick and closes the old one, so connections authenticated with old
 * credentials are not reused. Used from the tick thread only.
 */
final class KubeletClients implements AutoCloseable {

    private record Key(KubeletCredentials credentials, TlsMaterials tls, String ca, boolean insecure,
            long timeoutMillis, int maxConcurrent, String pinDirectory) {

        @Override
        public boolean equals(Object o) {
            // services compare by identity: a re-registered service is a new setup
            return o instanceof Key k && k.credentials == credentials && k.tls == tls && k.ca.equals(ca)
                    && k.insecure == insecure && k.timeoutMillis == timeoutMillis && k.maxConcurrent == maxConcurrent
                    && java.util.Objects.equals(k.pinDirectory, pinDirectory);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(credentials) * 31 + System.identityHashCode(tls);
        }
    }

    private static final HttpClientHostnameVerifier ANY_NAME = new HttpClientHostnameVerifier() {
        @Override
        public void verify(String host, X509Certificate cert) {
        }

        @Override
        public boolean verify(String host, SSLSession session) {
            return true;
        }
    };

    private final NodeNameVerifier verifier;
    private final BufferPool buffers;
    private Key key;
    private KubeletHttpClient client;
    private volatile KubeletPins pins;

    private final boolean pinsReadOnly;

    KubeletClients(NodeNameVerifier verifier, BufferPool buffers) {
        this(verifier, buffers, false);
    }

    /** @param pinsReadOnly doctor: check kubelets against their pins, never write one */
    KubeletClients(NodeNameVerifier verifier, BufferPool buffers, boolean pinsReadOnly) {
        this.verifier = verifier;
        this.buffers = buffers;
        this.pinsReadOnly = pinsReadOnly;
    }

    /** The client for this setup, built when the setup changed. */
    KubeletHttpClient get(ScraperSettings s, TlsMaterials tls, KubeletCredentials credentials)
            throws TlsException, SSLException {
        String pinDirectory = s.insecureSkipTLSVerify() ? null : s.pinDirectory();
        Key k = new Key(credentials, tls, s.certificateAuthority(), s.insecureSkipTLSVerify(), s.requestTimeoutMillis(),
                s.maxConcurrentScrapes(), pinDirectory);
        if (client != null && k.equals(key)) {
            return client;
        }
        KubeletIdentityCheck identityCheck = null;
        KubeletPins newPins = pinDirectory == null ? null : new KubeletPins(Path.of(pinDirectory), pinsReadOnly);
        X509ExtendedTrustManager trust;
        if (s.insecureSkipTLSVerify()) {
            trust = new TrustAllManager(); // insecureSkipTLSVerify=true: loud elsewhere (WARN + readiness entry)
        } else {
            X509ExtendedTrustManager ca = tls.trustManager(Path.of(s.certificateAuthority()));
            trust = new KubeletTrustManager(ca, s.certificateAuthority(), newPins != null);
            identityCheck = new KubeletIdentityCheck(ca, newPins);
        }
        SSLContext ctx;
        try {
            ctx = SSLContext.getInstance("TLS");
            KeyManager[] km = credentials == null ? new KeyManager[0]
                    : new KeyManager[] {new CredentialsKeyManager(credentials)};
            ctx.init(km, new TrustManager[] {trust}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot build the kubelet TLS context: " + e.getMessage(), e);
        }
        KubeletHttpClient fresh = new KubeletHttpClient(ctx, s.insecureSkipTLSVerify() ? ANY_NAME : verifier,
                s.insecureSkipTLSVerify() ? null : verifier, identityCheck, s.requestTimeoutMillis(),
                s.maxConcurrentScrapes(), buffers);
        close();
        client = fresh;
        key = k;
        pins = newPins;
        return client;
    }

    /** The pins of the current setup; null when self-signed certificates are not pinned (or not verified). */
    KubeletPins pins() {
        return pins;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
            key = null;
        }
    }
}
