package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** TokenReview, SubjectAccessReview and SelfSubjectAccessReview answers from the static policy. */
final class Reviews {
    private Reviews() {
    }

    static ObjectNode answer(String resource, JsonNode req, Identity caller, Authenticator authn, Policy policy) {
        ObjectNode resp = req.deepCopy();
        JsonNode spec = req.path("spec");
        ObjectNode status = resp.putObject("status");
        switch (resource) {
            case "tokenreviews" -> {
                Identity id = authn.token(spec.path("token").asText(""));
                status.put("authenticated", id != null);
                if (id != null) {
                    ObjectNode user = status.putObject("user");
                    user.put("username", id.user());
                    user.put("uid", Uids.uid(0x7e, id.user().hashCode() & 0xffffffffL));
                    ArrayNode groups = user.putArray("groups");
                    id.groups().forEach(groups::add);
                    status.set("audiences", spec.has("audiences") ? spec.get("audiences") : Http.MAPPER.createArrayNode().add("https://kubernetes.default.svc.cluster.local"));
                } else {
                    status.put("error", "invalid bearer token");
                }
            }
            case "subjectaccessreviews" -> {
                List<String> groups = new ArrayList<>();
                spec.path("groups").forEach(g -> groups.add(g.asText()));
                Map<String, List<String>> extra = new LinkedHashMap<>();
                spec.path("extra").fields().forEachRemaining(e -> {
                    List<String> vs = new ArrayList<>();
                    e.getValue().forEach(v -> vs.add(v.asText()));
                    extra.put(e.getKey(), vs);
                });
                decide(status, new Identity(spec.path("user").asText(""), groups, extra), spec, policy);
            }
            default -> decide(status, caller, spec, policy);
        }
        resp.putObject("metadata").put("creationTimestamp", (String) null);
        return resp;
    }

    private static void decide(ObjectNode status, Identity id, JsonNode spec, Policy policy) {
        Attributes a;
        if (spec.has("resourceAttributes")) {
            JsonNode r = spec.get("resourceAttributes");
            a = Attributes.resource(r.path("verb").asText(""), r.path("group").asText(""), r.path("resource").asText(""),
                    r.path("subresource").asText(""), r.path("namespace").asText(""), r.path("name").asText(""));
        } else if (spec.has("nonResourceAttributes")) {
            JsonNode n = spec.get("nonResourceAttributes");
            a = Attributes.nonResource(n.path("verb").asText(""), n.path("path").asText(""));
        } else {
            status.put("allowed", false);
            status.put("evaluationError", "spec has neither resourceAttributes nor nonResourceAttributes");
            return;
        }
        boolean allowed = policy.allows(id, a);
        status.put("allowed", allowed);
        if (allowed) {
            status.put("reason", id.inGroup(Policy.MASTERS) ? "system:masters" : "allowed by simulator policy");
        } else {
            status.put("reason", "no simulator policy rule allows " + (a.isResource() ? a.verb() + " " + a.resource() : a.verb() + " " + a.path()));
        }
    }
}
