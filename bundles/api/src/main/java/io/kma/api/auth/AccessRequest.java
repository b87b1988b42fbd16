package io.kma.api.auth;

/**
 * The attributes of a SubjectAccessReview. For resource requests {@code resource} is set and
 * {@code path} is null; for non-resource requests (e.g. /metrics) {@code path} is set.
 *
 * @param user        who asks
 * @param verb        get, list, watch (resource) or get (non-resource)
 * @param group       API group, e.g. metrics.k8s.io
 * @param version     API version, e.g. v1beta1
 * @param resource    nodes or pods; null for non-resource requests
 * @param namespace   namespace or empty
 * @param name        object name or empty
 * @param path        non-resource path or null
 */
public record AccessRequest(UserInfo user, String verb, String group, String version, String resource,
        String namespace, String name, String path) {
}
