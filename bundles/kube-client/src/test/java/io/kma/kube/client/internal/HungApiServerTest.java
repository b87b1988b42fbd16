package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FakeApiServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.UserInfo;
import io.kma.api.http.HealthCheck;
import io.kma.testsupport.JdkTlsMaterials;

/**
 * A kube-apiserver that accepts reviews and never answers (issue 10): each review ends at its own total
 * timeout, on its own pool, and the breaker then stops sending them and fails /readyz.
 */
class HungApiServerTest {

    static ApiServerPki pki;

    @TempDir
    Path dir;

    private FakeApiServer server;
    private ApiClient client;
    private final CountDownLatch hang = new CountDownLatch(1);

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.Handler hung = (ex, r) -> {
            try {
                hang.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            json(ex, 201, "{\"status\":{\"allowed\":true,\"authenticated\":false}}");
        };
        server.on(TokenReviews.PATH, hung);
        server.on(AccessReviews.PATH, hung);
        Kubeconfig kc = KubeconfigLoader.load(TestClients.kubeconfig(dir, pki, server.url(), true, "t"));
        client = new ApiClient(kc, ApiTls.socketStrategy(kc, new JdkTlsMaterials()), "test", new RequestCounter(),
                new ObjectMapper(), new ApiClient.ReviewTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        hang.countDown();
        client.close();
        server.close();
    }

    @Test
    void aTrickledAnswerToTheRegistrationEndsAtItsTotalTimeout() {
        String path = "/api/v1/namespaces/kube-system/endpoints/metrics-server";
        server.on(path, (ex, r) -> {
            ex.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = ex.getResponseBody()) {
                // a byte every 200 ms: never silent for the socket timeout, never done (bounded: 20 s)
                for (int i = 0; i < 100 && hang.getCount() > 0; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.exchange("get",
                new org.apache.hc.client5.http.classic.methods.HttpGet(client.url(path)), null, 1 << 20, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().endsWith(path + ": no complete answer within 2000 ms"), e.getMessage());
    }

    @Test
    void aHungTokenReviewEndsAtTheTotalTimeout() {
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> TokenReviews.review(client, "x"));
        assertTrue(e.getMessage().contains("no answer within 2000 ms") || e.getMessage().contains("Read timed out"),
                e.getMessage());
        assertEquals(1, hang.getCount(), "ended by the client while kube-apiserver still held the request");
    }

    @Test
    void aHungSubjectAccessReviewEndsAtTheTotalTimeout() {
        AccessRequest r = new AccessRequest(new UserInfo("jane", "", List.of(), Map.of()), "list", "metrics.k8s.io",
                "v1beta1", "pods", "", "", null);
        assertThrows(SocketTimeoutException.class, () -> AccessReviews.review(client, r));
        assertEquals(1, hang.getCount(), "ended by the client while kube-apiserver still held the request");
    }

    @Test
    void afterFiveFailuresTheBreakerAnswersAtOnceAndReadyzSaysSo() throws Exception {
        AtomicLong now = new AtomicLong(0);
        ReviewBreaker breaker = new ReviewBreaker(now::get);
        for (int i = 0; i < ReviewBreaker.FAILURES_TO_OPEN; i++) {
            assertThrows(SocketTimeoutException.class, () -> breaker.call("tokenreview", () -> TokenReviews.review(client, "x")));
        }
        assertTrue(breaker.isOpen());
        int before = server.requestsTo(TokenReviews.PATH).size();
        IOException shortCircuit = assertThrows(IOException.class,
                () -> breaker.call("tokenreview", () -> TokenReviews.review(client, "x")));
        assertTrue(shortCircuit.getMessage().startsWith("not sent: reviews by kube-apiserver are failing (5 in a row"),
                shortCircuit.getMessage());
        assertEquals(before, server.requestsTo(TokenReviews.PATH).size(), "nothing was sent");
        HealthCheck.Result readyz = breaker.check();
        assertFalse(readyz.ok());
        assertTrue(readyz.reason().startsWith("TokenReview/SubjectAccessReview requests to kube-apiserver are failing"),
                readyz.reason());
        StringBuilder metrics = new StringBuilder();
        breaker.writeTo(metrics);
        assertTrue(metrics.toString().contains(
                "kube_metrics_appliance_delegated_auth_reviews_total{result=\"error\",review=\"tokenreview\"} 5\n"), metrics.toString());
        assertTrue(metrics.toString().contains(
                "kube_metrics_appliance_delegated_auth_reviews_total{result=\"short_circuited\",review=\"tokenreview\"} 1\n"));

        // kube-apiserver recovers; after OPEN_FOR one trial goes through and closes the breaker.
        hang.countDown();
        now.addAndGet(ReviewBreaker.OPEN_FOR.toNanos());
        assertFalse(breaker.call("tokenreview", () -> TokenReviews.review(client, "x")).isPresent());
        assertFalse(breaker.isOpen());
        now.addAndGet(ReviewBreaker.RECENT.toNanos());
        assertTrue(breaker.check().ok());
    }
}
