package io.kma.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Key manager for one certificate chain and key that may be replaced at any time (files rotated).
 * The identity is fetched when JSSE chooses an alias; the chain and key are then looked up by that
 * alias, so a handshake never mixes a new certificate with an old key. The previous identity stays
 * resolvable for handshakes that chose it just before a reload.
 *
 * <p>Issuers requested by the peer are ignored on purpose: like Go's crypto/tls (and so kubectl and
 * kube-apiserver), the one configured certificate is presented and the peer decides.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private final Supplier<ServingIdentity> source;
    private volatile ServingIdentity current;
    private volatile ServingIdentity previous;

    ReloadingKeyManager(Supplier<ServingIdentity> source) {
        this.source = source;
        this.current = source.get();
    }

    private ServingIdentity refresh() {
        ServingIdentity latest = source.get();
        ServingIdentity seen = current;
        if (latest != seen) {
            synchronized (this) {
                if (latest != current) {
                    previous = current;
                    current = latest;
                }
            }
        }
        return latest;
    }

    private ServingIdentity byAlias(String alias) {
        ServingIdentity c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        ServingIdentity p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    private String chooseFor(String keyType) {
        ServingIdentity identity = refresh();
        return identity.serves(keyType) ? identity.alias() : null;
    }

    private String chooseFor(String[] keyTypes) {
        ServingIdentity identity = refresh();
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                if (identity.serves(keyType)) {
                    return identity.alias();
                }
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseFor(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServingIdentity identity = byAlias(alias);
        return identity == null ? null : identity.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServingIdentity identity = byAlias(alias);
        return identity == null ? null : identity.key();
    }
}
