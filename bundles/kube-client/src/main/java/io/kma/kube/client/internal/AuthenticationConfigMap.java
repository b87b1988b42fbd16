package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.auth.RequestHeaderSettings;

/** Reads {@code kube-system/extension-apiserver-authentication}, where kube-apiserver publishes its front-proxy settings. */
final class AuthenticationConfigMap {

    static final String PATH = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";

    private AuthenticationConfigMap() {
    }

    static Optional<RequestHeaderSettings> read(ApiClient client) throws IOException {
        return parse(client.mapper(), client.get("get", PATH));
    }

    /** Empty when the ConfigMap has no request-header CA (kube-apiserver runs without a front proxy). */
    static Optional<RequestHeaderSettings> parse(ObjectMapper mapper, JsonNode configMap) throws IOException {
        JsonNode data = configMap.path("data");
        String ca = Json.text(data, "requestheader-client-ca-file");
        if (ca == null || ca.isBlank()) {
            return Optional.empty();
        }
        String clientCa = Json.text(data, "client-ca-file");
        return Optional.of(new RequestHeaderSettings(ca, list(mapper, data, "requestheader-allowed-names"),
                list(mapper, data, "requestheader-username-headers"), list(mapper, data, "requestheader-group-headers"),
                list(mapper, data, "requestheader-extra-headers-prefix"),
                clientCa == null || clientCa.isBlank() ? null : clientCa));
    }

    /** The list keys hold JSON arrays inside strings, e.g. {@code "[\"X-Remote-User\"]"}. */
    private static List<String> list(ObjectMapper mapper, JsonNode data, String key) throws IOException {
        String s = Json.text(data, key);
        if (s == null || s.isBlank()) {
            return List.of();
        }
        JsonNode array;
        try {
            array = mapper.readTree(s);
        } catch (IOException e) {
            throw new IOException("ConfigMap kube-system/extension-apiserver-authentication: " + key
                    + ": not a JSON array of strings");
        }
        if (array == null || !array.isArray()) {
            throw new IOException("ConfigMap kube-system/extension-apiserver-authentication: " + key
                    + ": not a JSON array of strings");
        }
        return TokenReviews.strings(array);
    }
}
