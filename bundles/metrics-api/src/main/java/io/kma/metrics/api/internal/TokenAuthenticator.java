package io.kma.metrics.api.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.kma.api.auth.TokenReviewer;
import io.kma.api.auth.UserInfo;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * A bearer token, reviewed by kube-apiserver (TokenReview) and cached by its SHA-256 for the configured TTL, as
 * k8s.io/apiserver's bearertoken authenticator over its caching webhook authenticator. Failed reviews are limited
 * per client address ({@link FailedTokenLimit}).
 */
final class TokenAuthenticator implements RequestAuthenticator {

    static final String TOKEN_REJECTED = "token_rejected";
    static final String TOKEN_REVIEW_FAILED = "token_review_failed";
    static final String TOKEN_RATE_LIMITED = "token_rate_limited";
    private static final int TOKEN_CACHE_SIZE = 4096;

    private final ApiSettings settings;
    private final Collaborators services;
    // Valid and rejected tokens apart: a flood of random tokens only ever evicts rejected ones.
    private final ExpiringCache<String, UserInfo> validTokens;
    private final ExpiringCache<String, Boolean> rejectedTokens;
    private final FailedTokenLimit failedTokens;

    TokenAuthenticator(ApiSettings settings, Collaborators services, LongSupplier nanoClock) {
        this.settings = settings;
        this.services = services;
        this.validTokens = new ExpiringCache<>(TOKEN_CACHE_SIZE, nanoClock);
        this.rejectedTokens = new ExpiringCache<>(TOKEN_CACHE_SIZE, nanoClock);
        this.failedTokens = new FailedTokenLimit(nanoClock);
    }

    long cacheHits() {
        return validTokens.hits() + rejectedTokens.hits();
    }

    @Override
    public Outcome authenticate(AuthRequest request) {
        String token = bearerToken(request.headers());
        if (token == null) {
            return null;
        }
        String client = request.client();
        String key = sha256(token);
        String shortKey = key.substring(0, 12);
        UserInfo valid = validTokens.get(key);
        if (valid != null) {
            return Outcome.authenticated(valid);
        }
        Outcome rejected = Outcome.failed("bearer token sha256:" + shortKey + " rejected by TokenReview", TOKEN_REJECTED);
        if (rejectedTokens.get(key) != null) {
            return rejected;
        }
        if (!failedTokens.allows(client)) {
            return Outcome.failed("bearer token sha256:" + shortKey + " not reviewed: too many failed TokenReviews from "
                    + client + " (" + FailedTokenLimit.BURST + ", then one a second)", TOKEN_RATE_LIMITED);
        }
        TokenReviewer reviewer = services.tokenReviewer();
        if (reviewer == null) {
            return Outcome.failed("bearer token cannot be checked: no TokenReviewer service", TOKEN_REVIEW_FAILED);
        }
        Optional<UserInfo> user;
        try {
            user = reviewer.review(token);
        } catch (IOException | RuntimeException e) {
            // Not cached: the next request asks again.
            failedTokens.failed(client);
            return Outcome.failed("TokenReview failed: " + e.getMessage(), TOKEN_REVIEW_FAILED);
        }
        if (user == null || user.isEmpty()) {
            failedTokens.failed(client);
            rejectedTokens.put(key, Boolean.TRUE, settings.tokenCacheTtlMillis());
            return rejected;
        }
        validTokens.put(key, user.get(), settings.tokenCacheTtlMillis());
        return Outcome.authenticated(user.get());
    }

    private static String bearerToken(HeaderMap headers) {
        String auth = headers.getFirst(Headers.AUTHORIZATION);
        if (auth == null) {
            return null;
        }
        auth = auth.trim();
        if (auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = auth.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
