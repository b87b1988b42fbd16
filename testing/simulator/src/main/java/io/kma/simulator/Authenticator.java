package io.kma.simulator;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.Headers;

import javax.security.auth.x500.X500Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-apiserver's authenticators in miniature: a client certificate chaining to the cluster CA
 * (checked by the TLS layer's trust manager) gives CN as user and O as groups; a bearer token is
 * looked up in the static token table (what TokenReview answers from too).
 */
public final class Authenticator {
    /** Thrown for a presented but invalid credential: kube-apiserver answers 401 then. */
    public static final class InvalidCredential extends Exception {
        InvalidCredential(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, Identity> tokens = new ConcurrentHashMap<>();

    public void addToken(String token, Identity identity) {
        tokens.put(token, identity);
    }

    public Identity token(String token) {
        return tokens.get(token);
    }

    /** @return the identity, or null when the request carries no credential (anonymous) */
    public Identity authenticate(HttpServerExchange exchange) throws InvalidCredential {
        X509Certificate cert = peerCertificate(exchange);
        if (cert != null) {
            return fromCertificate(cert);
        }
        String auth = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (auth != null) {
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new InvalidCredential("unsupported authorization scheme");
            }
            Identity id = tokens.get(auth.substring(7).trim());
            if (id == null) {
                throw new InvalidCredential("invalid bearer token");
            }
            return id;
        }
        return null;
    }

    /** As {@link #authenticate}, an invalid credential counting as none: what a kubelet answers 401 for either way. */
    public Identity authenticateOrNull(HttpServerExchange exchange) {
        try {
            return authenticate(exchange);
        } catch (InvalidCredential e) {
            return null;
        }
    }

    public static X509Certificate peerCertificate(HttpServerExchange exchange) {
        SSLSessionInfo ssl = exchange.getConnection().getSslSessionInfo();
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] certs = ssl.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? x : null;
        } catch (Exception e) {
            // no client certificate presented
            return null;
        }
    }

    static Identity fromCertificate(X509Certificate cert) {
        String cn = null;
        List<String> orgs = new ArrayList<>();
        String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
        try {
            for (var rdn : new javax.naming.ldap.LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    orgs.add(rdn.getValue().toString());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            throw new IllegalStateException("unparseable subject " + dn, e);
        }
        return Identity.of(cn, orgs);
    }
}
