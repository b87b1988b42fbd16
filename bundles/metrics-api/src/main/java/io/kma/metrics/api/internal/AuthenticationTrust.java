package io.kma.metrics.api.internal;

import java.nio.file.Path;
import java.util.Optional;

import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.tls.TlsException;

/**
 * The CAs client certificates are checked against, each trust manager built once per CA content: the request-header
 * CA from the configured file, or else from the ConfigMap; the client CA from the ConfigMap. A ConfigMap PEM that
 * changes gets a new trust manager on the next request.
 */
final class AuthenticationTrust {

    private record CachedTrust(String pem, X509ExtendedTrustManager trust) {
    }

    private final ApiSettings settings;
    private final Collaborators services;
    private volatile X509ExtendedTrustManager fileTrust;
    private volatile CachedTrust configMapRequestHeaderTrust;
    private volatile CachedTrust configMapClientTrust;

    AuthenticationTrust(ApiSettings settings, Collaborators services) {
        this.settings = settings;
        this.services = services;
    }

    /** The request-header CA: the configured file, or the ConfigMap's PEM; null when neither is known. */
    X509ExtendedTrustManager requestHeader(Optional<RequestHeaderSettings> fromConfigMap) throws TlsException {
        if (!settings.requestHeaderCaFile().isEmpty()) {
            X509ExtendedTrustManager t = fileTrust;
            if (t == null) {
                // The tls bundle's trust manager re-reads the file when it changes; one is enough.
                t = services.tls().trustManager(Path.of(settings.requestHeaderCaFile()));
                fileTrust = t;
            }
            return t;
        }
        if (fromConfigMap.isEmpty() || fromConfigMap.get().clientCaPem() == null || fromConfigMap.get().clientCaPem().isBlank()) {
            return null;
        }
        String pem = fromConfigMap.get().clientCaPem();
        CachedTrust c = configMapRequestHeaderTrust;
        if (c == null || !c.pem().equals(pem)) {
            c = new CachedTrust(pem, services.tls().trustManager(pem,
                    "ConfigMap kube-system/extension-apiserver-authentication requestheader-client-ca-file"));
            configMapRequestHeaderTrust = c;
        }
        return c.trust();
    }

    /** The ConfigMap's client CA; null when it is not known or not usable. */
    X509ExtendedTrustManager clientCa(Optional<RequestHeaderSettings> fromConfigMap) {
        if (fromConfigMap.isEmpty() || fromConfigMap.get().clientCaFilePem() == null
                || fromConfigMap.get().clientCaFilePem().isBlank()) {
            return null;
        }
        String pem = fromConfigMap.get().clientCaFilePem();
        CachedTrust c = configMapClientTrust;
        if (c == null || !c.pem().equals(pem)) {
            try {
                c = new CachedTrust(pem, services.tls().trustManager(pem,
                        "ConfigMap kube-system/extension-apiserver-authentication client-ca-file"));
            } catch (TlsException e) {
                return null;
            }
            configMapClientTrust = c;
        }
        return c.trust();
    }
}
