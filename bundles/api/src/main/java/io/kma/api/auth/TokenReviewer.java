package io.kma.api.auth;

import java.io.IOException;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Validates bearer tokens with a TokenReview against kube-apiserver. */
@ProviderType
public interface TokenReviewer {

    /**
     * @return the user when kube-apiserver says the token is authenticated, empty when it says it is not
     * @throws IOException when kube-apiserver cannot be asked
     */
    Optional<UserInfo> review(String token) throws IOException;
}
