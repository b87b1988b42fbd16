package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kma.api.auth.UserInfo;
import io.kma.testsupport.TestPki;

/** The x509 method alone: a certificate from the cluster's client CA names its user (CN) and groups (O). */
class ClientCertificateAuthenticatorTest {

    private static TestPki.Issued frontProxyCa;
    private static TestPki.Issued clusterCa;

    private final ApiSettings settings = AuthRequests.fromConfigMap();
    private final ClientCertificateAuthenticator method =
            new ClientCertificateAuthenticator(new AuthenticationTrust(settings, new Fakes.Services()));

    @BeforeAll
    static void pki() throws Exception {
        frontProxyCa = TestPki.ca("front-proxy-ca");
        clusterCa = TestPki.ca("kubernetes");
    }

    @Test
    void theSubjectIsTheUserInCertificateOrder() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings,
                AuthRequests.configMap(frontProxyCa.certPem(), clusterCa.certPem()),
                AuthRequests.chain(TestPki.client(clusterCa, "CN=alice,O=devs,O=qa")), "192.0.2.1",
                "X-Remote-User", "admin"));

        assertEquals(new UserInfo("alice", "", List.of("devs", "qa"), Map.of()), o.user(), "headers play no part");
    }

    @Test
    void noCertificateIsNotThisMethods() {
        assertNull(method.authenticate(AuthRequests.request(settings,
                AuthRequests.configMap(frontProxyCa.certPem(), clusterCa.certPem()), null, "192.0.2.1")));
    }

    @Test
    void anUnknownCertificateIsAFailureOnlyWhenNothingEarlierExplainedIt() throws Exception {
        TestPki.Issued stranger = TestPki.client(TestPki.ca("stranger"), "CN=mallory");
        for (var configMap : List.of(AuthRequests.configMap(frontProxyCa.certPem(), clusterCa.certPem()), Optional.<io.kma.api.auth.RequestHeaderSettings>empty())) {
            RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings, configMap,
                    AuthRequests.chain(stranger), "192.0.2.1"));

            assertNull(o.user());
            assertTrue(o.secondary(), "the chain drops it after a request-header failure");
            assertEquals(ClientCertificateAuthenticator.CERTIFICATE_UNTRUSTED, o.category());
            assertEquals("client certificate CN=\"mallory\" (issuer \"CN=stranger\") chains neither to the request-header "
                    + "CA nor to the client CA", o.failure());
        }
    }

    @Test
    void aServerOnlyCertificateOfTheClientCaIsRefused() throws Exception {
        RequestAuthenticator.Outcome o = method.authenticate(AuthRequests.request(settings,
                AuthRequests.configMap(frontProxyCa.certPem(), clusterCa.certPem()),
                AuthRequests.chain(TestPki.certificate("CN=alice").serverAuth().signedBy(clusterCa)), "192.0.2.1"));

        assertNull(o.user());
        assertEquals(ClientCertificateAuthenticator.CERTIFICATE_UNTRUSTED, o.category());
    }
}
