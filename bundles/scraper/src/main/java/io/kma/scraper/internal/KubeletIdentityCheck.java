package io.kma.scraper.internal;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * Runs on every request after its connection is established and before the request (and a bearer
 * token) is sent: the kubelet's certificate must name the node this request scrapes, not merely some
 * node dialled at the same host and port (connections are pooled per host and port, and the handshake's
 * {@link NodeNameVerifier} only knows the host). A certificate the CA does not vouch for must also match
 * the node's pin ({@link KubeletPins}); without pins (CA-only mode) it would not have passed the handshake.
 */
final class KubeletIdentityCheck implements AsyncExecChainHandler {

    /** HttpClientContext attribute: the {@link Identity} of the node a request scrapes. */
    static final String NODE = "io.kma.scraper.node";

    /**
     * Session value: whether the configured CA vouches for the peer's chain, computed once per session (in the
     * handshake by {@link KubeletTrustManager}, or here when the session arrived without it).
     */
    static final String CA_VERIFIED = "io.kma.scraper.ca-verified";
    /** Session value: the peer certificate's names ({@link NodeNameVerifier#certificateNames}). */
    private static final String CERT_NAMES = "io.kma.scraper.cert-names";

    /**
     * The names a node's kubelet certificate may carry: the node's name, its Hostname addresses, and the
     * addresses dialled for this node only (an address shared with another node identifies neither).
     */
    record Identity(String node, Set<String> names) {
    }

    private final X509TrustManager ca;
    private final KubeletPins pins;

    /** @param pins null when self-signed certificates are not pinned (they then fail the CA check in the handshake) */
    KubeletIdentityCheck(X509TrustManager ca, KubeletPins pins) {
        this.ca = ca;
        this.pins = pins;
    }

    @Override
    public void execute(HttpRequest request, AsyncEntityProducer entity, AsyncExecChain.Scope scope,
            AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
        // the endpoint's own session: the context's is set only on some of the paths through CONNECT
        org.apache.hc.client5.http.EndpointInfo endpoint = scope.execRuntime.getEndpointInfo();
        SSLSession session = endpoint != null ? endpoint.getSslSession() : scope.clientContext.getSSLSession();
        if (scope.clientContext.getAttribute(NODE) instanceof Identity who) {
            check(who, session);
        } else if (session == null || !caVerified(session, chainOf(session))) {
            // fail closed: a certificate let through the handshake for pinning needs a node to be pinned to
            throw new SSLPeerUnverifiedException("no node to verify a kubelet certificate the CA does not sign against");
        }
        if (session != null && "TLSv1.2".equals(session.getProtocol())) {
            // a TLS 1.2 server that caches session IDs would let the next connection resume this session, skip the
            // trust manager and reuse CA_VERIFIED across a CA rotation: every connection gets a full handshake
            session.invalidate();
        }
        chain.proceed(request, entity, scope, callback);
    }

    void check(Identity who, SSLSession session) throws SSLException {
        if (session == null) {
            throw new SSLPeerUnverifiedException("no TLS session to verify node " + who.node() + "'s kubelet against");
        }
        X509Certificate[] chain = chainOf(session);
        X509Certificate leaf = chain[0];
        List<NodeNameVerifier.CertName> names = certificateNames(session, leaf);
        if (!namesNode(leaf, names, who)) {
            throw new NodeNameVerifier.NameMismatchException("certificate names " + names + ", not node " + who.node()
                    + " (expected one of " + who.names() + "): a kubelet speaks only for its own node");
        }
        if (!caVerified(session, chain)) {
            if (pins == null) {
                throw new SSLPeerUnverifiedException("kubelet certificate of node " + who.node()
                        + " is not signed by the configured CA");
            }
            pins.verify(who, leaf);
        }
    }

    private static X509Certificate[] chainOf(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] peer = session.getPeerCertificates();
        X509Certificate[] chain = new X509Certificate[peer.length];
        for (int i = 0; i < peer.length; i++) {
            chain[i] = (X509Certificate) peer[i];
        }
        return chain;
    }

    /** The leaf's names, read once per session (every scrape of a kept-alive kubelet checks them). */
    @SuppressWarnings("unchecked")
    private static List<NodeNameVerifier.CertName> certificateNames(SSLSession session, X509Certificate leaf) {
        Object known = session.getValue(CERT_NAMES);
        if (known instanceof List<?> l) {
            return (List<NodeNameVerifier.CertName>) l;
        }
        List<NodeNameVerifier.CertName> names = List.copyOf(NodeNameVerifier.certificateNames(leaf));
        session.putValue(CERT_NAMES, names);
        return names;
    }

    private boolean caVerified(SSLSession session, X509Certificate[] chain) {
        Object known = session.getValue(CA_VERIFIED);
        if (known instanceof Boolean b) {
            return b;
        }
        boolean ok;
        try {
            ca.checkServerTrusted(chain, "UNKNOWN");
            ok = true;
        } catch (CertificateException | RuntimeException e) {
            ok = false;
        }
        session.putValue(CA_VERIFIED, ok);
        return ok;
    }

    static boolean namesNode(X509Certificate leaf, List<NodeNameVerifier.CertName> names, Identity who) {
        for (String n : who.names()) {
            if (NodeNameVerifier.matchesAny(names, n)) {
                return true;
            }
        }
        // certificates from the kubelet-serving signer: CN system:node:<nodeName>, SANs from the node's addresses
        return ("system:node:" + who.node()).equals(NodeNameVerifier.commonName(leaf));
    }
}
