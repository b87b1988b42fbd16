package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.ApiServerDiagnosis.MANIFESTS;
import static io.kma.kube.client.internal.ApiServerDiagnosis.RBAC;
import static io.kma.kube.client.internal.ApiServerDiagnosis.USER;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.auth.AccessReviewer.Decision;
import io.kma.api.doctor.Finding;

/**
 * The doctor's RBAC check: one SelfSubjectAccessReview per permission the appliance needs, so that a FAIL names
 * each one denied; then who the kubeconfig authenticates as, so that the fix can tell a missing binding from a
 * kubeconfig for the wrong user.
 */
final class RbacCheck {

    static final String SELF_SUBJECT_REVIEW_PATH = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

    static final String FIX_RBAC = "apply the RBAC from: " + MANIFESTS + " (ClusterRole and ClusterRoleBinding "
            + USER + ", ClusterRoleBinding to system:auth-delegator, RoleBinding to "
            + "extension-apiserver-authentication-reader in kube-system)";

    /** One permission the appliance needs. */
    record Permission(String label, String verb, String group, String resource, String subresource,
            String namespace, String name) {
    }

    static final List<Permission> PERMISSIONS = List.of(
            new Permission("list nodes", "list", "", "nodes", "", "", ""),
            new Permission("watch nodes", "watch", "", "nodes", "", "", ""),
            new Permission("list pods (all namespaces)", "list", "", "pods", "", "", ""),
            new Permission("watch pods (all namespaces)", "watch", "", "pods", "", "", ""),
            new Permission("get nodes/metrics", "get", "", "nodes", "metrics", "", ""),
            new Permission("create tokenreviews", "create", "authentication.k8s.io", "tokenreviews", "", "", ""),
            new Permission("create subjectaccessreviews", "create", "authorization.k8s.io", "subjectaccessreviews", "",
                    "", ""),
            new Permission("get configmap kube-system/extension-apiserver-authentication", "get", "", "configmaps", "",
                    "kube-system", "extension-apiserver-authentication"));

    private RbacCheck() {
    }

    /** All reviews and the user look-up share one deadline, so that the step is bounded as a whole. */
    static Finding run(BoundedCalls calls, Kubeconfig kc) throws InterruptedException {
        long deadline = calls.deadline();
        List<String> denied = new ArrayList<>();
        for (Permission p : PERMISSIONS) {
            try {
                JsonNode answer = calls.run(deadline, (timeout, tracker) -> calls.client.post(AccessReviews.SELF_PATH,
                        AccessReviews.selfRequest(calls.client, p.verb(), p.group(), p.resource(), p.subresource(),
                                p.namespace(), p.name()), timeout, tracker));
                Decision d = AccessReviews.decision(answer);
                if (!d.allowed()) {
                    denied.add(p.label());
                }
            } catch (IOException e) {
                return reviewFailure(e, calls, kc);
            }
        }
        String user = user(calls, deadline);
        String who = user == null ? "the kubeconfig's user" : "user " + user;
        if (denied.isEmpty()) {
            return Finding.ok(RBAC, who + " may list/watch nodes and pods, get nodes/metrics, create tokenreviews and "
                    + "subjectaccessreviews, read kube-system/extension-apiserver-authentication");
        }
        String detail = who + " may not " + String.join(", ", denied);
        if (user != null && !USER.equals(user)) {
            return Finding.fail(RBAC, detail + " (the manifests' RBAC is for the user " + USER + ")",
                    "authenticate as " + USER + " (sudo kube-metrics-appliance identity --approve, and kubeconfig: "
                            + "/etc/kube-metrics-appliance/identity/kubeconfig) and " + FIX_RBAC);
        }
        return Finding.fail(RBAC, detail, FIX_RBAC);
    }

    /**
     * A review that could not be made at all. The first one ends the step: the other reviews go the same way to the
     * same server and would most likely fail alike.
     */
    private static Finding reviewFailure(IOException e, BoundedCalls calls, Kubeconfig kc) {
        if (e instanceof ApiException a && a.code() == 403) {
            return Finding.fail(RBAC, "SelfSubjectAccessReview refused: " + FindingText.shorten(a.getMessage()),
                    "every authenticated user may create selfsubjectaccessreviews (ClusterRoleBinding system:basic-user): "
                            + "make the kubeconfig authenticate as " + USER + " (sudo kube-metrics-appliance identity "
                            + "--approve writes /etc/kube-metrics-appliance/identity/kubeconfig)");
        }
        RequestProblem p = RequestProblem.classify(e, kc.server(), calls.timeout);
        return Finding.fail(RBAC, "SelfSubjectAccessReview failed: " + p.detail(), p.fix());
    }

    /** Who the kubeconfig authenticates as (SelfSubjectReview, Kubernetes 1.28+), or null when unknown. */
    private static String user(BoundedCalls calls, long deadline) throws InterruptedException {
        try {
            JsonNode body = calls.client.mapper().createObjectNode()
                    .put("apiVersion", "authentication.k8s.io/v1").put("kind", "SelfSubjectReview");
            JsonNode answer = calls.run(deadline, (timeout, tracker) -> calls.client.post(SELF_SUBJECT_REVIEW_PATH,
                    body, timeout, tracker));
            String name = Json.text(answer.path("status").path("userInfo"), "username");
            return name == null || name.isEmpty() ? null : name;
        } catch (IOException e) {
            return null;
        }
    }
}
