package io.kma.scraper.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validates kubelet certificate chains with the configured CA's trust manager and turns its
 * failures into a sentence an operator can act on (which certificate, which CA file). Host names
 * are checked separately by {@link NodeNameVerifier}.
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

    KubeletTrustManager(X509ExtendedTrustManager delegate, String caSource) {
        this.delegate = delegate;
        this.caSource = caSource;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
    }

    private CertificateException explain(X509Certificate[] chain, CertificateException e) {
        String subject = chain == null || chain.length == 0 ? "(none)" : chain[0].getSubjectX500Principal().getName();
        String issuer = chain == null || chain.length == 0 ? "(none)" : chain[0].getIssuerX500Principal().getName();
        String why = rootMessage(e);
        String text = why.contains("PKIX path") || why.contains("certification path")
                ? "kubelet certificate " + subject + " (issuer " + issuer + ") is not signed by a CA in " + caSource
                : "kubelet certificate " + subject + " (issuer " + issuer + ") rejected: " + why;
        return new UntrustedCertificateException(text, e);
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
