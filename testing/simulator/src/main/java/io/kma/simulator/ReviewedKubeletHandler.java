package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kubelet's authorization as kubeadm configures it ({@code authorization.mode: Webhook}): every metrics request is
 * a SubjectAccessReview to the real kube-apiserver ({@code get nodes/metrics} or {@code nodes/stats} on this node),
 * so the RBAC the appliance was given is what decides. Decisions are cached for {@value #CACHE_MILLIS} ms (kubelet:
 * 5 min allowed, 30 s denied). An allowed request goes on to the {@link KubeletHandler} (whose own policy then allows
 * every authenticated caller).
 */
final class ReviewedKubeletHandler implements HttpHandler {
    static final long CACHE_MILLIS = 10_000;

    private record Decision(boolean allowed, long atMillis) {
    }

    private final String nodeName;
    private final KubeApi api;
    private final Authenticator authenticator;
    private final HttpHandler next;
    private final Map<String, Decision> cache = new ConcurrentHashMap<>();

    ReviewedKubeletHandler(String nodeName, KubeApi api, Authenticator authenticator, HttpHandler next) {
        this.nodeName = nodeName;
        this.api = api;
        this.authenticator = authenticator;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        String subresource = path.startsWith("/metrics/resource") ? "metrics" : path.startsWith("/stats/summary") ? "stats" : null;
        if (subresource == null) {
            next.handleRequest(exchange);
            return;
        }
        if (exchange.isInIoThread()) {
            // the review is a blocking call to kube-apiserver
            exchange.dispatch(this);
            return;
        }
        Identity id = authenticator.authenticateOrNull(exchange);
        if (id == null) {
            KubeletHandler.text(exchange, 401, "Unauthorized");
            return;
        }
        boolean allowed;
        try {
            allowed = allowed(id, subresource);
        } catch (IOException e) {
            KubeletHandler.text(exchange, 500, "Internal Server Error: authorization review failed");
            return;
        }
        if (!allowed) {
            KubeletHandler.text(exchange, 403, "Forbidden (user=" + id.user() + ", verb=get, resource=nodes, subresource=" + subresource + ")");
            return;
        }
        next.handleRequest(exchange);
    }

    private boolean allowed(Identity id, String subresource) throws IOException {
        String key = id.user() + "|" + String.join(",", id.groups()) + "|" + subresource;
        long now = System.currentTimeMillis();
        Decision d = cache.get(key);
        if (d != null && now - d.atMillis() < CACHE_MILLIS) {
            return d.allowed();
        }
        ObjectNode review = KubeApi.json().createObjectNode().put("apiVersion", "authorization.k8s.io/v1")
                .put("kind", "SubjectAccessReview");
        ObjectNode spec = review.putObject("spec").put("user", id.user());
        id.groups().forEach(spec.putArray("groups")::add);
        spec.putObject("resourceAttributes").put("verb", "get").put("resource", "nodes").put("subresource", subresource)
                .put("name", nodeName);
        JsonNode answer = api.send("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", null, review);
        boolean allowed = answer.path("status").path("allowed").asBoolean(false);
        cache.put(key, new Decision(allowed, now));
        return allowed;
    }
}
