package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.AccessReviewer;
import io.kma.api.auth.TokenReviewer;
import io.kma.api.auth.UserInfo;

/**
 * TokenReview and SubjectAccessReview through kube-apiserver, on the client's review pool (1 s to connect or get a
 * connection, 10 s in all) behind the {@link ReviewBreaker}. Callers cache the decisions.
 */
@Component(service = {TokenReviewer.class, AccessReviewer.class})
public final class DelegatedAuth implements TokenReviewer, AccessReviewer {

    @Reference
    ApiConnection connection;

    @Reference
    ReviewBreaker breaker;

    @Override
    public Optional<UserInfo> review(String token) throws IOException {
        ApiClient c = client();
        return breaker.call("tokenreview", () -> TokenReviews.review(c, token));
    }

    @Override
    public Decision review(AccessRequest request) throws IOException {
        ApiClient c = client();
        return breaker.call("subjectaccessreview", () -> AccessReviews.review(c, request));
    }

    private ApiClient client() throws IOException {
        ApiClient c = connection.client();
        if (c == null) {
            throw new IOException("no kube-apiserver connection: " + connection.error());
        }
        return c;
    }
}
