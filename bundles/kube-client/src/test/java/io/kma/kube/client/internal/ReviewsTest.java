package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FakeApiServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.AccessReviewer.Decision;
import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.UserInfo;
import io.kma.testsupport.TestPki;

class ReviewsTest {

    static ApiServerPki pki;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private FakeApiServer server;
    private ApiClient client;
    private final RequestCounter counter = new RequestCounter();

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeApiServer(pki, 0);
        client = TestClients.client(TestClients.kubeconfig(dir, pki, server.url(), true, "appliance-token"), counter);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void tokenReview() throws Exception {
        server.on(TokenReviews.PATH, (ex, r) -> {
            boolean good = r.body().contains("\"good-token\"");
            json(ex, 201, "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":"
                    + (good ? "{\"authenticated\":true,\"user\":{\"username\":\"system:serviceaccount:ns:hpa\",\"uid\":\"u-1\","
                            + "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"],\"extra\":{\"authentication.kubernetes.io/pod-name\":[\"p\"]}}}"
                            : "{\"authenticated\":false,\"error\":\"invalid bearer token\"}")
                    + "}");
        });
        Optional<UserInfo> user = TokenReviews.review(client, "good-token");
        assertEquals(new UserInfo("system:serviceaccount:ns:hpa", "u-1",
                List.of("system:serviceaccounts", "system:authenticated"),
                Map.of("authentication.kubernetes.io/pod-name", List.of("p"))), user.orElseThrow());
        assertEquals(Optional.empty(), TokenReviews.review(client, "bad-token"));

        FakeApiServer.Request r = server.requestsTo(TokenReviews.PATH).get(0);
        assertEquals("POST", r.method());
        assertEquals("Bearer appliance-token", r.headers().get("authorization"));
        JsonNode body = MAPPER.readTree(r.body());
        assertEquals("authentication.k8s.io/v1", body.path("apiVersion").asText());
        assertEquals("TokenReview", body.path("kind").asText());
        assertEquals("good-token", body.path("spec").path("token").asText());
        assertEquals(2, counter.get("create", "201"));
        // Both reviews went over one pooled TLS connection (client-certificate connections used to be
        // opened anew for every request).
        assertEquals(r.remotePort(), server.requestsTo(TokenReviews.PATH).get(1).remotePort());
    }

    @Test
    void rotatedTokenFileIsSentOnTheNextRequest() throws Exception {
        server.on(TokenReviews.PATH, (ex, r) -> json(ex, 201, "{\"status\":{\"authenticated\":false}}"));
        Path sub = java.nio.file.Files.createDirectories(dir.resolve("rotating"));
        Path kc = TestClients.kubeconfig(sub, pki, server.url(), true, null);
        java.nio.file.Files.writeString(sub.resolve("token"), "token-one\n");
        java.nio.file.Files.writeString(kc, java.nio.file.Files.readString(kc) + "    tokenFile: token\n");
        try (ApiClient c = TestClients.client(kc, counter)) {
            TokenReviews.review(c, "x");
            java.nio.file.Files.writeString(sub.resolve("token"), "token-number-two\n");
            TokenReviews.review(c, "x");
        }
        List<FakeApiServer.Request> rs = server.requestsTo(TokenReviews.PATH);
        assertEquals("Bearer token-one", rs.get(0).headers().get("authorization"));
        assertEquals("Bearer token-number-two", rs.get(1).headers().get("authorization"));
    }

    @Test
    void subjectAccessReviewForResources() throws Exception {
        server.on(AccessReviews.PATH, (ex, r) -> json(ex, 201,
                "{\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":true,\"reason\":\"RBAC: allowed by ClusterRoleBinding\"}}"));
        UserInfo u = new UserInfo("jane", "42", List.of("dev", "system:authenticated"), Map.of("scopes", List.of("a", "b")));
        Decision d = AccessReviews.review(client,
                new AccessRequest(u, "list", "metrics.k8s.io", "v1beta1", "pods", "team-a", "", null));
        assertEquals(new Decision(true, "RBAC: allowed by ClusterRoleBinding"), d);
        JsonNode spec = MAPPER.readTree(server.requestsTo(AccessReviews.PATH).get(0).body()).path("spec");
        JsonNode ra = spec.path("resourceAttributes");
        assertEquals("team-a", ra.path("namespace").asText());
        assertEquals("list", ra.path("verb").asText());
        assertEquals("metrics.k8s.io", ra.path("group").asText());
        assertEquals("v1beta1", ra.path("version").asText());
        assertEquals("pods", ra.path("resource").asText());
        assertEquals("", ra.path("name").asText());
        assertTrue(spec.path("nonResourceAttributes").isMissingNode());
        assertEquals("jane", spec.path("user").asText());
        assertEquals("42", spec.path("uid").asText());
        assertEquals("[\"dev\",\"system:authenticated\"]", spec.path("groups").toString());
        assertEquals("{\"scopes\":[\"a\",\"b\"]}", spec.path("extra").toString());
    }

    @Test
    void subjectAccessReviewForPathsAndDenials() throws Exception {
        server.on(AccessReviews.PATH, (ex, r) -> json(ex, 201,
                "{\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":false,\"reason\":\"no RBAC policy matched\"}}"));
        Decision d = AccessReviews.review(client, new AccessRequest(new UserInfo("bob", "", List.of(), Map.of()), "get",
                null, null, null, null, null, "/metrics"));
        assertFalse(d.allowed());
        assertEquals("no RBAC policy matched", d.reason());
        JsonNode spec = MAPPER.readTree(server.requestsTo(AccessReviews.PATH).get(0).body()).path("spec");
        assertEquals("{\"path\":\"/metrics\",\"verb\":\"get\"}", spec.path("nonResourceAttributes").toString());
        assertTrue(spec.path("resourceAttributes").isMissingNode());
        assertTrue(spec.path("uid").isMissingNode());
    }

    @Test
    void reviewErrorsCarryTheStatusMessage() throws Exception {
        server.on(AccessReviews.PATH, (ex, r) -> json(ex, 403, FakeApiServer.status(403, "Forbidden",
                "subjectaccessreviews.authorization.k8s.io is forbidden: User \\\"x\\\" cannot create resource")));
        ApiException e = assertThrows(ApiException.class, () -> AccessReviews.review(client,
                new AccessRequest(new UserInfo("a", "", List.of(), Map.of()), "get", "", "", null, "", "", "/metrics")));
        assertEquals(403, e.code());
        assertTrue(e.getMessage().startsWith("kube-apiserver answered 403: subjectaccessreviews.authorization.k8s.io is forbidden"),
                e.getMessage());
    }

    @Test
    void authenticationConfigMap() throws Exception {
        String ca = TestPki.pem(pki.ca().cert()).replace("\n", "\\n");
        server.on(AuthenticationConfigMap.PATH, (ex, r) -> json(ex, 200, "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
                + "\"metadata\":{\"name\":\"extension-apiserver-authentication\",\"namespace\":\"kube-system\"},\"data\":{"
                + "\"client-ca-file\":\"" + ca + "\",\"requestheader-client-ca-file\":\"" + ca + "\","
                + "\"requestheader-allowed-names\":\"[\\\"front-proxy-client\\\"]\","
                + "\"requestheader-username-headers\":\"[\\\"X-Remote-User\\\"]\","
                + "\"requestheader-group-headers\":\"[\\\"X-Remote-Group\\\"]\","
                + "\"requestheader-extra-headers-prefix\":\"[\\\"X-Remote-Extra-\\\"]\"}}"));
        RequestHeaderSettings s = AuthenticationConfigMap.read(client).orElseThrow();
        assertEquals(TestPki.pem(pki.ca().cert()), s.clientCaPem());
        assertEquals(TestPki.pem(pki.ca().cert()), s.clientCaFilePem());
        assertEquals(List.of("front-proxy-client"), s.allowedNames());
        assertEquals(List.of("X-Remote-User"), s.usernameHeaders());
        assertEquals(List.of("X-Remote-Group"), s.groupHeaders());
        assertEquals(List.of("X-Remote-Extra-"), s.extraHeaderPrefixes());

        assertEquals(Optional.empty(), AuthenticationConfigMap.parse(MAPPER,
                MAPPER.readTree("{\"data\":{\"client-ca-file\":\"x\"}}")));
        Exception e = assertThrows(java.io.IOException.class, () -> AuthenticationConfigMap.parse(MAPPER,
                MAPPER.readTree("{\"data\":{\"requestheader-client-ca-file\":\"x\",\"requestheader-allowed-names\":\"front\"}}")));
        assertTrue(e.getMessage().endsWith("requestheader-allowed-names: not a JSON array of strings"));
    }
}
