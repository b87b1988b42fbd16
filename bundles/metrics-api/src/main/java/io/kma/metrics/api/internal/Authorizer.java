package io.kma.metrics.api.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.AccessReviewer;
import io.kma.api.auth.UserInfo;

/**
 * Delegated authorization (reference §5.3): system:masters and the always-allowed paths pass, everything
 * else is a SubjectAccessReview whose answers are cached (allowed and denied separately, least recently
 * used evicted). A review that fails is an error (answered 500, as kube-apiserver) and is not cached.
 */
final class Authorizer {

    static final String MASTERS = "system:masters";
    private static final int CACHE_SIZE = 8192;

    /** @param reason kube-apiserver's reason text, or empty; @param error the review could not be made */
    record Decision(boolean allowed, String reason, String error) {
        static final Decision ALLOW = new Decision(true, "", null);
    }

    private final ApiSettings settings;
    private final Collaborators services;
    // Allowed and denied apart, as upstream: a flood of denied requests only ever evicts denials.
    private final ExpiringCache<AccessRequest, Decision> allowed;
    private final ExpiringCache<AccessRequest, Decision> denied;

    Authorizer(ApiSettings settings, Collaborators services, LongSupplier nanoClock) {
        this.settings = settings;
        this.services = services;
        this.allowed = new ExpiringCache<>(CACHE_SIZE, nanoClock);
        this.denied = new ExpiringCache<>(CACHE_SIZE, nanoClock);
    }

    long cacheHits() {
        return allowed.hits() + denied.hits();
    }

    Decision authorize(UserInfo user, RequestAttributes a) {
        if (settings.alwaysAllow()) {
            return Decision.ALLOW;
        }
        if (user.groups().contains(MASTERS)) {
            return Decision.ALLOW;
        }
        if (alwaysAllowed(a.path(), settings.alwaysAllowPaths())) {
            return Decision.ALLOW;
        }
        AccessRequest request = a.resourceRequest()
                ? new AccessRequest(user, a.verb(), a.group(), a.version(), a.resource(), a.namespace(), a.name(), null)
                : new AccessRequest(user, a.verb(), "", "", null, "", "", a.path());
        Decision cached = allowed.get(request);
        if (cached == null) {
            cached = denied.get(request);
        }
        if (cached != null) {
            return cached;
        }
        AccessReviewer reviewer = services.accessReviewer();
        if (reviewer == null) {
            return new Decision(false, "", "no AccessReviewer service");
        }
        AccessReviewer.Decision d;
        try {
            d = reviewer.review(request);
        } catch (IOException | RuntimeException e) {
            return new Decision(false, "", "SubjectAccessReview failed: " + e.getMessage());
        }
        Decision decision = new Decision(d.allowed(), d.reason() == null ? "" : d.reason(), null);
        if (d.allowed()) {
            allowed.put(request, decision, settings.authorizedTtlMillis());
        } else {
            denied.put(request, decision, settings.unauthorizedTtlMillis());
        }
        return decision;
    }

    /** Exact match, or prefix match for entries ending in '*'. */
    static boolean alwaysAllowed(String path, List<String> patterns) {
        for (String p : patterns) {
            if (p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
