package io.kma.simulator;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Always presents one certificate chain. Lighter than a KeyStore-backed manager, which matters
 * with 5,000 kubelets that all share one private key.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "sim";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    FixedKeyManager(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[]{ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[]{ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return keyType.startsWith("EC") ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return keyType.startsWith("EC") ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return chain;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return key;
    }
}
