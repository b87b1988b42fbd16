package io.kma.http.server.internal;

import java.net.Socket;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any client certificate chain at the handshake. Client certificates are requested, not
 * required, and verified later, per request, by the metrics-api bundle against the front-proxy
 * (request-header) CA, from the session's peer certificates: that CA comes from the cluster and can
 * change while connections stay open, and a rejecting trust manager here would fail the handshake
 * of every client with another certificate (kubectl, Prometheus) instead of letting it authenticate
 * by token. No accepted issuers are advertised: an empty list in the CertificateRequest makes Go
 * clients (kube-apiserver's aggregator) send their certificate whatever its issuer.
 * Never used for server certificates: this bundle makes no outgoing connections.
 */
final class AnyClientCertificate extends X509ExtendedTrustManager {

    private static final X509Certificate[] NONE = new X509Certificate[0];

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // accepted: verified per request by the metrics-api bundle
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // accepted: verified per request by the metrics-api bundle
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // accepted: verified per request by the metrics-api bundle
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("not a client trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("not a client trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("not a client trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NONE;
    }
}
