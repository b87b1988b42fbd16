package io.kma.tls.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One certificate chain with its private key, under an alias unique to this load so that a handshake
 * that chose it keeps getting the same chain and key even if the files are reloaded meanwhile.
 */
record ServingIdentity(String alias, List<X509Certificate> chain, PrivateKey key) {

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** The JSSE key type of the leaf's public key (RSA, EC, RSASSA-PSS, EdDSA...). */
    String keyType() {
        return leaf().getPublicKey().getAlgorithm();
    }

    /**
     * JSSE asks for key types such as {@code RSA}, {@code EC} or, for TLS 1.2 static ECDH suites,
     * {@code EC_EC}/{@code EC_RSA}; the part before the underscore is the key's own algorithm.
     */
    boolean serves(String requestedKeyType) {
        if (requestedKeyType == null) {
            return false;
        }
        int sep = requestedKeyType.indexOf('_');
        String base = sep < 0 ? requestedKeyType : requestedKeyType.substring(0, sep);
        return base.equals(keyType());
    }

    /** Subject and expiry, for log lines; never key material. */
    String describe() {
        return leaf().getSubjectX500Principal().getName() + ", expires " + leaf().getNotAfter().toInstant();
    }
}
