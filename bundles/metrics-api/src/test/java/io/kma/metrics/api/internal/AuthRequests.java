package io.kma.metrics.api.internal;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.shared.labels.LabelSelector;
import io.kma.testsupport.TestPki;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;

/** Builds the request the chain's methods see, as {@link Authenticator} does: claimed, then stripped. */
final class AuthRequests {

    private AuthRequests() {
    }

    /** Settings that take the request-header names and CA from the ConfigMap (no file configured). */
    static ApiSettings fromConfigMap() {
        return withCaFile("");
    }

    static ApiSettings withCaFile(String requestHeaderCaFile) {
        return new ApiSettings(LabelSelector.everything(), requestHeaderCaFile, List.of("front-proxy-client"),
                List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), 10_000, false,
                10_000, 10_000, List.of());
    }

    /** The kube-system/extension-apiserver-authentication ConfigMap as kubeadm writes it. */
    static Optional<RequestHeaderSettings> configMap(String frontProxyCaPem, String clientCaPem) {
        return Optional.of(new RequestHeaderSettings(frontProxyCaPem, List.of("front-proxy-client"),
                List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), clientCaPem));
    }

    /** @param headers name, value, name, value, ... */
    static RequestAuthenticator.AuthRequest request(ApiSettings settings, Optional<RequestHeaderSettings> configMap,
            X509Certificate[] chain, String client, String... headers) {
        HeaderMap map = new HeaderMap();
        for (int i = 0; i < headers.length; i += 2) {
            map.add(new HttpString(headers[i]), headers[i + 1]);
        }
        IdentityHeaders.Names names = IdentityHeaders.inEffect(settings, configMap);
        IdentityHeaders.Claimed claimed = IdentityHeaders.claim(map, names);
        IdentityHeaders.strip(map, names);
        return new RequestAuthenticator.AuthRequest(chain, claimed, map, client, configMap);
    }

    static X509Certificate[] chain(TestPki.Issued leaf) {
        return new X509Certificate[] {leaf.cert()};
    }
}
