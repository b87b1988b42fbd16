package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.AccessReviewer.Decision;
import io.kma.api.auth.UserInfo;

/** SubjectAccessReview (authorization.k8s.io/v1) requests and answers, as the apiserver's webhook authorizer sends them. */
final class AccessReviews {

    static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    private AccessReviews() {
    }

    static ObjectNode request(ApiClient client, AccessRequest r) {
        ObjectNode body = client.mapper().createObjectNode();
        body.put("apiVersion", "authorization.k8s.io/v1");
        body.put("kind", "SubjectAccessReview");
        ObjectNode spec = body.putObject("spec");
        if (r.resource() != null) {
            ObjectNode ra = spec.putObject("resourceAttributes");
            ra.put("namespace", nz(r.namespace()));
            ra.put("verb", nz(r.verb()));
            ra.put("group", nz(r.group()));
            ra.put("version", nz(r.version()));
            ra.put("resource", r.resource());
            ra.put("subresource", "");
            ra.put("name", nz(r.name()));
        } else {
            ObjectNode na = spec.putObject("nonResourceAttributes");
            na.put("path", nz(r.path()));
            na.put("verb", nz(r.verb()));
        }
        UserInfo u = r.user();
        if (u != null) {
            spec.put("user", nz(u.name()));
            if (u.uid() != null && !u.uid().isEmpty()) {
                spec.put("uid", u.uid());
            }
            ArrayNode groups = spec.putArray("groups");
            for (String g : u.groups() == null ? List.<String>of() : u.groups()) {
                groups.add(g);
            }
            if (u.extra() != null && !u.extra().isEmpty()) {
                ObjectNode extra = spec.putObject("extra");
                for (Map.Entry<String, List<String>> e : u.extra().entrySet()) {
                    ArrayNode values = extra.putArray(e.getKey());
                    e.getValue().forEach(values::add);
                }
            }
        }
        return body;
    }

    /** SelfSubjectAccessReview: may the client's own user do this? */
    static final String SELF_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    /** A SelfSubjectAccessReview for a resource request; null or empty strings mean "all" / "none". */
    static ObjectNode selfRequest(ApiClient client, String verb, String group, String resource, String subresource,
            String namespace, String name) {
        ObjectNode body = client.mapper().createObjectNode();
        body.put("apiVersion", "authorization.k8s.io/v1");
        body.put("kind", "SelfSubjectAccessReview");
        ObjectNode ra = body.putObject("spec").putObject("resourceAttributes");
        ra.put("namespace", nz(namespace));
        ra.put("verb", nz(verb));
        ra.put("group", nz(group));
        ra.put("resource", nz(resource));
        ra.put("subresource", nz(subresource));
        ra.put("name", nz(name));
        return body;
    }

    static Decision review(ApiClient client, AccessRequest r) throws IOException {
        return decision(client.review(PATH, request(client, r)));
    }

    static Decision decision(JsonNode answer) {
        JsonNode status = answer.path("status");
        boolean allowed = status.path("allowed").asBoolean(false) && !status.path("denied").asBoolean(false);
        String reason = Json.text(status, "reason");
        String error = Json.text(status, "evaluationError");
        if ((reason == null || reason.isEmpty()) && error != null) {
            reason = error;
        }
        return new Decision(allowed, reason == null ? "" : reason);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
