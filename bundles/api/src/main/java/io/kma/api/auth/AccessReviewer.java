package io.kma.api.auth;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/** Authorizes requests with a SubjectAccessReview against kube-apiserver. */
@ProviderType
public interface AccessReviewer {

    /**
     * @return the decision; {@code reason} carries kube-apiserver's reason text, may be empty
     * @throws IOException when kube-apiserver cannot be asked
     */
    Decision review(AccessRequest request) throws IOException;

    /** A SubjectAccessReview answer. */
    record Decision(boolean allowed, String reason) {
    }
}
