package io.kma.metrics.api.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.UserInfo;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;

/**
 * Delegated authentication as the generic apiserver does it (reference §5.1): a union of methods in
 * kube-apiserver's order (k8s.io/apiserver authenticatorfactory), request-header (front proxy), x509 client
 * certificate, bearer token; the first that vouches for a user wins, the others' failures are joined for the log
 * (k8s.io/apiserver request/union), and the winner gets {@value #AUTHENTICATED} (group.AuthenticatedGroupAdder).
 * The identity headers are removed from every request before any method reads it.
 */
final class Authenticator {

    static final String AUTHENTICATED = "system:authenticated";

    /** Failure categories when no method had anything to say. */
    static final String NO_CREDENTIALS = "anonymous";
    static final String HEADERS_WITHOUT_CERTIFICATE = "identity_headers_without_certificate";

    /**
     * The outcome: a user, or the cause of the 401 for the log and its category (a fixed name, a label on
     * /metrics).
     */
    record Result(UserInfo user, String failure, String category) {

        Result(UserInfo user) {
            this(user, null, null);
        }
    }

    private final ApiSettings settings;
    private final Collaborators services;
    private final TokenAuthenticator tokens;
    private final List<RequestAuthenticator> methods;

    Authenticator(ApiSettings settings, Collaborators services, LongSupplier nanoClock) {
        this(settings, services, new AuthenticationTrust(settings, services),
                new TokenAuthenticator(settings, services, nanoClock));
    }

    private Authenticator(ApiSettings settings, Collaborators services, AuthenticationTrust trust,
            TokenAuthenticator tokens) {
        this(settings, services, tokens,
                List.of(new RequestHeaderAuthenticator(trust), new ClientCertificateAuthenticator(trust), tokens));
    }

    /** @param methods the chain, in order (tests give their own) */
    Authenticator(ApiSettings settings, Collaborators services, TokenAuthenticator tokens,
            List<RequestAuthenticator> methods) {
        this.settings = settings;
        this.services = services;
        this.tokens = tokens;
        this.methods = List.copyOf(methods);
    }

    long tokenCacheHits() {
        return tokens.cacheHits();
    }

    Result authenticate(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        Optional<RequestHeaderSettings> fromConfigMap = services.configMapSettings();
        IdentityHeaders.Names names = IdentityHeaders.inEffect(settings, fromConfigMap);
        IdentityHeaders.Claimed claimed = IdentityHeaders.claim(headers, names);
        // Before anything else: whatever happens next, no later reader sees these headers.
        IdentityHeaders.strip(headers, names);
        RequestAuthenticator.AuthRequest request = new RequestAuthenticator.AuthRequest(PeerCertificates.of(exchange),
                claimed, headers, client(exchange), fromConfigMap);

        List<String> failures = new ArrayList<>(2);
        String category = null;
        for (RequestAuthenticator method : methods) {
            RequestAuthenticator.Outcome outcome = method.authenticate(request);
            if (outcome == null || outcome.secondary() && !failures.isEmpty()) {
                continue;
            }
            if (outcome.user() != null) {
                return new Result(withAuthenticated(outcome.user()));
            }
            failures.add(outcome.failure());
            category = outcome.category();
        }
        if (failures.isEmpty()) {
            failures.add(claimed.anyHeader()
                    ? "request-header headers" + (claimed.user() == null ? "" : " (user " + LogText.quote(claimed.user()) + ")")
                            + " ignored: connection has no client certificate"
                    : "request without credentials (no client certificate, no bearer token)");
            category = claimed.anyHeader() ? HEADERS_WITHOUT_CERTIFICATE : NO_CREDENTIALS;
        }
        return new Result(null, String.join("; ", failures), category);
    }

    private static String client(HttpServerExchange exchange) {
        if (exchange.getConnection() == null) {
            return "?"; // an exchange that no listener made: no peer address
        }
        InetSocketAddress a = exchange.getSourceAddress();
        return a == null || a.getAddress() == null ? "?" : a.getAddress().getHostAddress();
    }

    private static UserInfo withAuthenticated(UserInfo u) {
        List<String> groups = u.groups() == null ? List.of() : u.groups();
        if (groups.contains(AUTHENTICATED)) {
            return u;
        }
        List<String> g = new ArrayList<>(groups);
        g.add(AUTHENTICATED);
        return new UserInfo(u.name(), u.uid() == null ? "" : u.uid(), List.copyOf(g), u.extra() == null ? Map.of() : u.extra());
    }
}
