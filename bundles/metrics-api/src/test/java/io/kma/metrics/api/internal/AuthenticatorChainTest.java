package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kma.api.auth.UserInfo;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/** The union of methods, as k8s.io/apiserver's request/union: first user wins, failures joined in order. */
class AuthenticatorChainTest {

    private static final UserInfo BOB = new UserInfo("bob", "", List.of("devs"), Map.of());

    private final ApiSettings settings = AuthRequests.fromConfigMap();
    private final Fakes.Services services = new Fakes.Services();
    private final List<String> asked = new ArrayList<>();

    AuthenticatorChainTest() {
        services.configMap = AuthRequests.configMap("", ""); // header names known, no CA
    }

    private RequestAuthenticator method(String name, RequestAuthenticator.Outcome outcome) {
        return request -> {
            asked.add(name);
            return outcome;
        };
    }

    private Authenticator.Result authenticate(List<RequestAuthenticator> methods, String... headers) {
        HttpServerExchange exchange = new HttpServerExchange(null);
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getRequestHeaders().add(new HttpString(headers[i]), headers[i + 1]);
        }
        return new Authenticator(settings, services, null, methods).authenticate(exchange);
    }

    @Test
    void theFirstUserWinsAndGetsSystemAuthenticated() {
        Authenticator.Result r = authenticate(List.of(
                method("header", RequestAuthenticator.Outcome.failed("not allowed", "a")),
                method("x509", RequestAuthenticator.Outcome.authenticated(BOB)),
                method("token", RequestAuthenticator.Outcome.authenticated(new UserInfo("eve", "", List.of(), Map.of())))));

        assertEquals(new UserInfo("bob", "", List.of("devs", Authenticator.AUTHENTICATED), Map.of()), r.user());
        assertEquals(List.of("header", "x509"), asked, "the token method is not asked");
    }

    @Test
    void failuresAreJoinedInOrderAndTheLastNamesTheCategory() {
        Authenticator.Result r = authenticate(List.of(
                method("header", RequestAuthenticator.Outcome.failed("proxy CA missing", "a")),
                method("x509", null),
                method("token", RequestAuthenticator.Outcome.failed("token rejected", "b"))));

        assertNull(r.user());
        assertEquals("proxy CA missing; token rejected", r.failure());
        assertEquals("b", r.category());
    }

    @Test
    void aSecondaryFailureIsDroppedAfterAnEarlierFailureOnly() {
        RequestAuthenticator untrusted = method("x509",
                RequestAuthenticator.Outcome.failedUnlessExplained("chains to no CA", "c"));

        Authenticator.Result afterFailure = authenticate(List.of(
                method("header", RequestAuthenticator.Outcome.failed("name not allowed", "a")), untrusted));
        assertEquals("name not allowed", afterFailure.failure());
        assertEquals("a", afterFailure.category());

        Authenticator.Result first = authenticate(List.of(method("header", null), untrusted,
                method("token", RequestAuthenticator.Outcome.failed("token rejected", "b"))));
        assertEquals("chains to no CA; token rejected", first.failure());
        assertEquals("b", first.category());
    }

    @Test
    void whenNoMethodHasAnythingToSayTheRequestIsAnonymousOrHeadersOnly() {
        Authenticator.Result anonymous = authenticate(List.of(method("header", null)));
        assertEquals("request without credentials (no client certificate, no bearer token)", anonymous.failure());
        assertEquals(Authenticator.NO_CREDENTIALS, anonymous.category());

        Authenticator.Result headersOnly = authenticate(List.of(method("header", null)), "X-Remote-User", "admin");
        assertEquals("request-header headers (user \"admin\") ignored: connection has no client certificate",
                headersOnly.failure());
        assertEquals(Authenticator.HEADERS_WITHOUT_CERTIFICATE, headersOnly.category());
    }

    @Test
    void methodsSeeTheRequestWithoutItsIdentityHeadersButWithWhatTheyClaimed() {
        List<RequestAuthenticator.AuthRequest> seen = new ArrayList<>();
        authenticate(List.of(request -> {
            seen.add(request);
            return null;
        }), "X-Remote-User", "admin", "X-Remote-Group", "system:masters", "Authorization", "Bearer t");

        RequestAuthenticator.AuthRequest request = seen.get(0);
        assertNull(request.headers().get("X-Remote-User"));
        assertNull(request.headers().get("X-Remote-Group"));
        assertEquals("Bearer t", request.headers().getFirst("Authorization"));
        assertEquals("admin", request.claimed().user());
        assertEquals(List.of("system:masters"), request.claimed().groups());
    }
}
