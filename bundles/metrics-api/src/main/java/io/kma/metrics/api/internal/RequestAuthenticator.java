package io.kma.metrics.api.internal;

import java.security.cert.X509Certificate;
import java.util.Optional;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.UserInfo;
import io.undertow.util.HeaderMap;

/**
 * One authentication method in the {@link Authenticator} chain, as k8s.io/apiserver's {@code authenticator.Request}:
 * it vouches for a user, says why the credentials of its kind are not accepted, or returns null when the request
 * carries none of them (the chain then asks the next method).
 */
interface RequestAuthenticator {

    Outcome authenticate(AuthRequest request);

    /**
     * The request as every method sees it: read once, after the identity headers were stripped from
     * {@code headers}, with the ConfigMap's settings of that moment (so all methods judge the same snapshot).
     *
     * @param chain the client certificate chain, leaf first; null without one
     * @param claimed what the identity headers said before they were stripped
     * @param client the peer's address, for the per-client TokenReview limit
     */
    record AuthRequest(X509Certificate[] chain, IdentityHeaders.Claimed claimed, HeaderMap headers, String client,
            Optional<RequestHeaderSettings> configMap) {
    }

    /**
     * A user, or the reason for the 401 (for the log) with its category (a fixed name, a label on /metrics).
     * {@code secondary} marks a reason that only repeats what an earlier method's failure already covers (a
     * certificate no CA vouches for, after the request-header method explained why it refused it); the chain
     * reports it only when no earlier method failed.
     */
    record Outcome(UserInfo user, String failure, String category, boolean secondary) {

        static Outcome authenticated(UserInfo user) {
            return new Outcome(user, null, null, false);
        }

        static Outcome failed(String failure, String category) {
            return new Outcome(null, failure, category, false);
        }

        static Outcome failedUnlessExplained(String failure, String category) {
            return new Outcome(null, failure, category, true);
        }
    }
}
