package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.auth.UserInfo;

/** TokenReview (authentication.k8s.io/v1) requests and answers. */
final class TokenReviews {

    static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    private TokenReviews() {
    }

    static ObjectNode request(ApiClient client, String token) {
        ObjectNode body = client.mapper().createObjectNode();
        body.put("apiVersion", "authentication.k8s.io/v1");
        body.put("kind", "TokenReview");
        body.putObject("spec").put("token", token);
        return body;
    }

    static Optional<UserInfo> review(ApiClient client, String token) throws IOException {
        JsonNode answer = client.review(PATH, request(client, token));
        return user(answer);
    }

    static Optional<UserInfo> user(JsonNode answer) throws IOException {
        JsonNode status = answer.path("status");
        if (!status.path("authenticated").asBoolean(false)) {
            return Optional.empty();
        }
        JsonNode user = status.path("user");
        String name = Json.text(user, "username");
        if (name == null || name.isEmpty()) {
            throw new IOException("TokenReview answer: authenticated without status.user.username");
        }
        String uid = Json.text(user, "uid");
        return Optional.of(new UserInfo(name, uid == null ? "" : uid, strings(user.path("groups")),
                extra(user.path("extra"))));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static Map<String, List<String>> extra(JsonNode node) {
        if (!node.isObject()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), strings(e.getValue())));
        return Map.copyOf(out);
    }
}
