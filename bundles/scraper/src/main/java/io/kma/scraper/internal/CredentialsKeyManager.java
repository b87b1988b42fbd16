package io.kma.scraper.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

import io.kma.api.kubelet.KubeletCredentials;

/**
 * Asks the bound {@link KubeletCredentials} for its key manager at every handshake, so one
 * SSLContext serves for the whole life of a credentials service (whose key manager follows rotated
 * files itself) and presents no certificate when the strategy has none (token only).
 */
final class CredentialsKeyManager extends X509ExtendedKeyManager {

    private final KubeletCredentials credentials;

    CredentialsKeyManager(KubeletCredentials credentials) {
        this.credentials = credentials;
    }

    private X509KeyManager current() {
        return credentials.keyManager().orElse(null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        X509KeyManager km = current();
        if (km == null) {
            return null;
        }
        if (km instanceof X509ExtendedKeyManager) {
            return ((X509ExtendedKeyManager) km).chooseEngineClientAlias(keyType, issuers, engine);
        }
        return km.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        X509KeyManager km = current();
        return km == null ? null : km.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509KeyManager km = current();
        return km == null ? null : km.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509KeyManager km = current();
        return km == null ? null : km.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        X509KeyManager km = current();
        return km == null ? null : km.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
