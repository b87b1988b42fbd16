package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.UserInfo;
import io.kma.testsupport.TestPki;

/** The front-proxy method alone: which certificates may assert an identity in the headers, and what it says when not. */
class RequestHeaderAuthenticatorTest {

    private static TestPki.Issued frontProxyCa;
    private static TestPki.Issued otherCa;

    private final ApiSettings settings = AuthRequests.fromConfigMap();
    private final Fakes.Services services = new Fakes.Services();
    private final RequestHeaderAuthenticator method =
            new RequestHeaderAuthenticator(new AuthenticationTrust(settings, services));

    @BeforeAll
    static void pki() throws Exception {
        frontProxyCa = TestPki.ca("front-proxy-ca");
        otherCa = TestPki.ca("kubernetes");
    }

    private Optional<RequestHeaderSettings> configMap() {
        return AuthRequests.configMap(frontProxyCa.certPem(), otherCa.certPem());
    }

    @Test
    void aTrustedProxyAssertsUserGroupsAndExtra() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings, configMap(),
                AuthRequests.chain(TestPki.client(frontProxyCa, "CN=front-proxy-client")), "192.0.2.1",
                "X-Remote-User", "alice", "X-Remote-Group", "devs", "X-Remote-Group", "qa",
                "X-Remote-Extra-Scopes%2Fread", "pods"));

        assertEquals(new UserInfo("alice", "", List.of("devs", "qa"), Map.of("scopes/read", List.of("pods"))), o.user());
    }

    @Test
    void withoutACertificateOrWithAnotherCasTheMethodHasNothingToSay() throws Exception {
        assertNull(method.authenticate(AuthRequests.request(settings, configMap(), null, "192.0.2.1",
                "X-Remote-User", "admin")), "no certificate");
        assertNull(method.authenticate(AuthRequests.request(settings, configMap(),
                AuthRequests.chain(TestPki.client(otherCa, "CN=front-proxy-client")), "192.0.2.1",
                "X-Remote-User", "admin")), "a certificate of another CA is the next method's");
        assertNull(method.authenticate(AuthRequests.request(settings, configMap(),
                AuthRequests.chain(TestPki.certificate("CN=front-proxy-client").serverAuth().signedBy(frontProxyCa)),
                "192.0.2.1", "X-Remote-User", "admin")), "serverAuth-only extended key usage");
    }

    @Test
    void aNameOutsideTheAllowedNamesIsRefused() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings, configMap(),
                AuthRequests.chain(TestPki.client(frontProxyCa, "CN=someone-else")), "192.0.2.1",
                "X-Remote-User", "admin"));

        assertNull(o.user());
        assertEquals(RequestHeaderAuthenticator.FRONT_PROXY_NAME, o.category());
        assertEquals("front-proxy client certificate CN=\"someone-else\" not in allowed names [front-proxy-client]",
                o.failure());
    }

    @Test
    void aTrustedProxyWithoutAUserHeaderIsRefused() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings, configMap(),
                AuthRequests.chain(TestPki.client(frontProxyCa, "CN=front-proxy-client")), "192.0.2.1",
                "X-Remote-Group", "system:masters"));

        assertEquals(RequestHeaderAuthenticator.FRONT_PROXY_NO_USER, o.category());
        assertEquals("front-proxy request with client certificate CN=\"front-proxy-client\" carries no user name header "
                + "[X-Remote-User]", o.failure());
    }

    @Test
    void withoutARequestHeaderCaEveryCertificateIsRefusedAndSaysWhy() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings, Optional.empty(),
                AuthRequests.chain(TestPki.client(frontProxyCa, "CN=front-proxy-client")), "192.0.2.1",
                "X-Remote-User", "admin"));

        assertEquals(RequestHeaderAuthenticator.FRONT_PROXY_CA_MISSING, o.category());
        assertTrue(o.failure().startsWith("no request-header CA configured (file empty, ConfigMap not read): front-proxy "
                + "client certificate CN=\"front-proxy-client\""), o.failure());
    }

    @Test
    void anUnreadableCaFileIsReportedWithTheTlsError() throws Exception {
        ApiSettings fromFile = AuthRequests.withCaFile("/nonexistent/front-proxy-ca.crt");
        RequestHeaderAuthenticator fileMethod = new RequestHeaderAuthenticator(new AuthenticationTrust(fromFile, services));

        RequestAuthenticator.Outcome o = fileMethod.authenticate(AuthRequests.request(fromFile, Optional.empty(),
                AuthRequests.chain(TestPki.client(frontProxyCa, "CN=front-proxy-client")), "192.0.2.1",
                "X-Remote-User", "admin"));

        assertEquals(RequestHeaderAuthenticator.FRONT_PROXY_CA_MISSING, o.category());
        assertTrue(o.failure().startsWith("request-header CA unusable, front-proxy requests cannot be authenticated: "
                + "/nonexistent/front-proxy-ca.crt"), o.failure());
    }

    @Test
    void aNewConfigMapCaReplacesTheCachedTrust() throws Exception {
        TestPki.Issued proxy = TestPki.client(frontProxyCa, "CN=front-proxy-client");
        assertEquals("alice", method.authenticate(AuthRequests.request(settings, configMap(), AuthRequests.chain(proxy),
                "192.0.2.1", "X-Remote-User", "alice")).user().name());

        TestPki.Issued rotated = TestPki.ca("front-proxy-ca-2");
        assertNull(method.authenticate(AuthRequests.request(settings, AuthRequests.configMap(rotated.certPem(), otherCa.certPem()),
                AuthRequests.chain(proxy), "192.0.2.1", "X-Remote-User", "alice")), "the old CA is no longer trusted");
    }
}
