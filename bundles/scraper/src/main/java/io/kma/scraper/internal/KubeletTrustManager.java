package io.kma.scraper.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validates kubelet certificate chains with the configured CA's trust manager and turns its
 * failures into a sentence an operator can act on (which certificate, which CA file). Host names
 * are checked separately by {@link NodeNameVerifier}. With pinning on, a chain the CA refuses is let
 * through the handshake when its leaf has kubelet's self-signed form; {@link KubeletIdentityCheck}
 * then holds it to the scraped node's pin before any request is sent.
 */
final class KubeletTrustManager extends X509ExtendedTrustManager {

    /** The kubelet's chain does not lead to the configured CA. */
    static final class UntrustedCertificateException extends CertificateException {
        private static final long serialVersionUID = 1L;

        UntrustedCertificateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final X509ExtendedTrustManager delegate;
    private final String caSource;
    private final boolean pinSelfSigned;

    KubeletTrustManager(X509ExtendedTrustManager delegate, String caSource) {
        this(delegate, caSource, false);
    }

    KubeletTrustManager(X509ExtendedTrustManager delegate, String caSource, boolean pinSelfSigned) {
        this.delegate = delegate;
        this.caSource = caSource;
        this.pinSelfSigned = pinSelfSigned;
    }

    X509ExtendedTrustManager ca() {
        return delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            rethrow(explain(chain, e));
            remember(engine, false);
            return;
        }
        remember(engine, true);
    }

    /**
     * Records the CA's verdict in the session being negotiated, so that {@link KubeletIdentityCheck} does not
     * validate the same chain against the same CA again (a second PKIX validation per handshake, thousands at
     * a cold start).
     */
    private static void remember(SSLEngine engine, boolean caVerified) {
        javax.net.ssl.SSLSession session = engine == null ? null : engine.getHandshakeSession();
        if (session != null) {
            session.putValue(KubeletIdentityCheck.CA_VERIFIED, caVerified);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            rethrow(explain(chain, e));
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            rethrow(explain(chain, e));
        }
    }

    /** The exception to throw, or null when the chain goes on to the pin check. */
    private CertificateException explain(X509Certificate[] chain, CertificateException e) {
        if (pinSelfSigned && chain != null && chain.length > 0 && KubeletPins.isKubeletSelfSigned(chain[0])) {
            return null;
        }
        String subject = chain == null || chain.length == 0 ? "(none)" : chain[0].getSubjectX500Principal().getName();
        String issuer = chain == null || chain.length == 0 ? "(none)" : chain[0].getIssuerX500Principal().getName();
        String why = rootMessage(e);
        String text = why.contains("PKIX path") || why.contains("certification path")
                ? "kubelet certificate " + subject + " (issuer " + issuer + ") is not signed by a CA in " + caSource
                : "kubelet certificate " + subject + " (issuer " + issuer + ") rejected: " + why;
        return new UntrustedCertificateException(text, e);
    }

    private static void rethrow(CertificateException e) throws CertificateException {
        if (e != null) {
            throw e;
        }
    }

    private static String rootMessage(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            if (c.getMessage() != null) {
                msg = msg + "; " + c.getMessage();
            }
            t = c;
        }
        return msg;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
