package io.kma.metrics.api.internal;

import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.shared.x509.SubjectNames;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;

/** The client certificate chain of a TLS connection: reading it, checking it against a CA, naming its subject. */
final class PeerCertificates {

    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";

    private PeerCertificates() {
    }

    /** The chain, leaf first; null when the connection is not TLS or the client sent no certificate. */
    static X509Certificate[] of(HttpServerExchange exchange) {
        SSLSessionInfo info = exchange.getConnection() == null ? null : exchange.getConnection().getSslSessionInfo();
        if (info == null) {
            return null;
        }
        Certificate[] certs;
        try {
            certs = info.getPeerCertificates();
        } catch (Exception e) {
            // SSLPeerUnverifiedException / RenegotiationRequiredException: no client certificate was sent.
            return null;
        }
        if (certs == null || certs.length == 0) {
            return null;
        }
        X509Certificate[] chain = new X509Certificate[certs.length];
        for (int i = 0; i < certs.length; i++) {
            if (!(certs[i] instanceof X509Certificate x)) {
                return null;
            }
            chain[i] = x;
        }
        return chain;
    }

    /** Chain verification for a TLS client plus the clientAuth extended key usage (Go's x509 rule). */
    static boolean verifies(X509ExtendedTrustManager trust, X509Certificate[] chain) {
        try {
            List<String> eku = chain[0].getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH_EKU) && !eku.contains(ANY_EKU)) {
                return false;
            }
            trust.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            return true;
        } catch (CertificateParsingException e) {
            return false;
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
    }

    /** Go's {@code Subject.CommonName} (the last CN), as kube-apiserver's x509 and request-header authenticators read it. */
    static String commonName(X509Certificate cert) {
        return SubjectNames.commonName(cert).orElse("");
    }

    static List<String> organizations(X509Certificate cert) {
        return SubjectNames.organizations(cert);
    }

    static String describe(X509Certificate cert) {
        return "CN=" + LogText.quote(commonName(cert)) + " (issuer " + LogText.quote(cert.getIssuerX500Principal().getName()) + ")";
    }
}
