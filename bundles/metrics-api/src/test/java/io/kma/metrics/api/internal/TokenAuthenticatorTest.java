package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.kma.api.auth.UserInfo;

/** The bearer-token method alone: TokenReview once per token and TTL, failed reviews limited per client. */
class TokenAuthenticatorTest {

    private static final UserInfo PROMETHEUS = new UserInfo("prometheus", "", List.of("monitoring"), Map.of());

    private final ApiSettings settings = AuthRequests.fromConfigMap();
    private final Fakes.Services services = new Fakes.Services();
    private final Fakes.Tokens reviewer = new Fakes.Tokens();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TokenAuthenticator method = new TokenAuthenticator(settings, services, now::get);

    TokenAuthenticatorTest() {
        services.tokens = reviewer;
        reviewer.valid.put("good-token", PROMETHEUS);
    }

    private RequestAuthenticator.Outcome withAuthorization(String client, String authorization) {
        return method.authenticate(AuthRequests.request(settings, Optional.empty(), null, client,
                "Authorization", authorization));
    }

    @Test
    void withoutABearerTokenTheMethodHasNothingToSay() {
        assertNull(method.authenticate(AuthRequests.request(settings, Optional.empty(), null, "192.0.2.1")));
        assertNull(withAuthorization("192.0.2.1", "Basic YWxpY2U6c2VjcmV0"));
        assertNull(withAuthorization("192.0.2.1", "Bearer   "));
        assertEquals(0, reviewer.calls.get());
    }

    @Test
    void aValidTokenIsReviewedOnceThenCached() {
        assertEquals(PROMETHEUS, withAuthorization("192.0.2.1", "Bearer good-token").user());
        assertEquals(PROMETHEUS, withAuthorization("192.0.2.1", "bearer  good-token ").user());

        assertEquals(1, reviewer.calls.get());
        assertEquals(1, method.cacheHits());
    }

    @Test
    void aRejectedTokenIsCachedAndNeverLogged() {
        RequestAuthenticator.Outcome first = withAuthorization("192.0.2.1", "Bearer forged-token");
        RequestAuthenticator.Outcome second = withAuthorization("192.0.2.1", "Bearer forged-token");

        assertEquals(1, reviewer.calls.get());
        assertEquals(TokenAuthenticator.TOKEN_REJECTED, second.category());
        assertEquals(first.failure(), second.failure());
        assertEquals("bearer token sha256:" + TokenAuthenticator.sha256("forged-token").substring(0, 12)
                + " rejected by TokenReview", first.failure());
        assertFalse(first.failure().contains("forged-token"));
    }

    @Test
    void aFailedReviewIsNotCached() {
        reviewer.fail = true;
        assertEquals("TokenReview failed: kube-apiserver did not answer", withAuthorization("192.0.2.1", "Bearer good-token").failure());
        reviewer.fail = false;

        assertEquals(PROMETHEUS, withAuthorization("192.0.2.1", "Bearer good-token").user());
        assertEquals(2, reviewer.calls.get());
    }

    @Test
    void withoutATokenReviewerTheTokenCannotBeChecked() {
        services.tokens = null;
        RequestAuthenticator.Outcome o = withAuthorization("192.0.2.1", "Bearer good-token");

        assertEquals(TokenAuthenticator.TOKEN_REVIEW_FAILED, o.category());
        assertEquals("bearer token cannot be checked: no TokenReviewer service", o.failure());
    }

    @Test
    void failedReviewsAreLimitedPerClient() {
        for (int i = 0; i < FailedTokenLimit.BURST; i++) {
            assertEquals(TokenAuthenticator.TOKEN_REJECTED, withAuthorization("192.0.2.1", "Bearer random-" + i).category());
        }
        RequestAuthenticator.Outcome limited = withAuthorization("192.0.2.1", "Bearer random-x");

        assertEquals(TokenAuthenticator.TOKEN_RATE_LIMITED, limited.category());
        assertEquals(FailedTokenLimit.BURST, reviewer.calls.get());
        assertEquals(TokenAuthenticator.TOKEN_REJECTED, withAuthorization("192.0.2.2", "Bearer random-y").category(),
                "another client is still reviewed");
        now.addAndGet(FailedTokenLimit.REFILL_NANOS);
        assertEquals(TokenAuthenticator.TOKEN_REJECTED, withAuthorization("192.0.2.1", "Bearer random-z").category(),
                "one more a second");
    }
}
