package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.http.server.internal.TestClient.Response;
import io.undertow.server.HttpHandler;

/** The handler whiteboard over a real listener. */
class RoutingTest {

    @TempDir
    Path tmp;

    private TestListener listener;
    private SSLContext client;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private void start(Duration handlerWait) throws Exception {
        listener = new TestListener(handlerWait).start(TestListener.selfSigned(tmp));
        client = TestClient.trustingAll(null);
    }

    private static HttpHandler answering(String body) {
        return exchange -> exchange.getResponseSender().send(body);
    }

    private Response get(String path) throws IOException {
        return TestClient.get(client, listener.port(), path);
    }

    private void awaitWaitingRequest() throws InterruptedException {
        for (int i = 0; i < 500 && listener.routes.waitingRequests() == 0; i++) { // bounded: 500 × 10 ms
            Thread.sleep(10);
        }
        assertEquals(1, listener.routes.waitingRequests(), "the request is waiting for a handler");
    }

    @Test
    void longestMatchingPrefixWins() throws Exception {
        start(Duration.ofSeconds(5));
        listener.addHandler(answering("root"), 0, "/");
        listener.addHandler(answering("apis"), 0, "/apis");
        listener.addHandler(answering("metrics"), 0, "/apis/metrics.k8s.io/");
        listener.addHandler(answering("openapi"), 0, "/openapi/v2", "/openapi/v3");

        assertEquals("metrics", get("/apis/metrics.k8s.io/v1beta1/nodes").body());
        assertEquals("metrics", get("/apis/metrics.k8s.io").body());
        assertEquals("apis", get("/apis").body());
        assertEquals("apis", get("/apis/").body());
        assertEquals("apis", get("/apis/apps/v1").body());
        assertEquals("root", get("/apisx").body(), "a prefix matches below it only after a '/'");
        assertEquals("openapi", get("/openapi/v3/apis").body());
        assertEquals("root", get("/openapi/v4").body());
        assertEquals("root", get("/").body());
        assertEquals("ok", get("/livez").body(), "health paths are served by the listener itself");
    }

    @Test
    void pathNoHandlerEverServedIs404LikeGo() throws Exception {
        start(Duration.ofSeconds(5));
        listener.addHandler(answering("apis"), 0, "/apis");
        Response r = get("/metrics");
        assertEquals(404, r.status());
        assertEquals("404 page not found\n", r.body());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
    }

    @Test
    void higherRankingServesASharedPrefixAndTheOtherTakesOverWithoutWaiting() throws Exception {
        start(Duration.ofSeconds(5));
        listener.addHandler(answering("v1"), 0, "/apis");
        long v2 = listener.addHandler(answering("v2"), 10, "/apis");
        assertEquals("v2", get("/apis/x").body());
        listener.routes.unbind(v2);
        long t0 = System.nanoTime();
        assertEquals("v1", get("/apis/x").body());
        System.out.printf("fallback to the remaining handler: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void requestWaitsForAHandlerBeingReplacedAndIsServedByTheNewOne() throws Exception {
        start(Duration.ofSeconds(5));
        long old = listener.addHandler(answering("old"), 0, "/apis");
        assertEquals("old", get("/apis/metrics.k8s.io").body());
        listener.routes.unbind(old); // the bundle is being updated

        long t0 = System.nanoTime();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/apis/metrics.k8s.io");
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitWaitingRequest();
        Thread.sleep(100);
        assertEquals(false, waiting.isDone(), "the request waits while no handler serves /apis");
        listener.addHandler(answering("new"), 0, "/apis");
        Response r = waiting.get(5, TimeUnit.SECONDS);
        System.out.printf("request waited %d ms for the replacement handler%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(200, r.status());
        assertEquals("new", r.body());
    }

    /**
     * DS unregisters a handler's service before it deactivates the component: removing the handler waits for the
     * requests inside it (a deactivated component answers 503), and a request that comes meanwhile goes to the
     * successor, not into the handler being removed.
     */
    @Test
    void removingAHandlerWaitsForTheRequestsInsideItWhileOthersGoToItsSuccessor() throws Exception {
        start(Duration.ofSeconds(5));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long old = listener.addHandler(exchange -> {
            inside.countDown();
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            exchange.getResponseSender().send("old");
        }, 0, "/apis");
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> getUnchecked("/apis/x"));
        assertTrue(inside.await(5, TimeUnit.SECONDS), "the first request is inside the old handler");
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> listener.routes.unbind(old));
        Thread.sleep(200);
        assertFalse(removal.isDone(), "the removal waits for the request inside the handler");
        listener.addHandler(answering("new"), 0, "/apis");
        Response second = getUnchecked("/apis/y");
        assertEquals("new", second.body(), "a request during the removal goes to the successor");
        assertFalse(removal.isDone(), "still waiting for the first request");
        release.countDown();
        removal.get(5, TimeUnit.SECONDS);
        Response r = first.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("old", r.body(), "the request inside finished in the old handler");
    }

    private Response getUnchecked(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void requestGets503StatusWhenNoHandlerComesBackWithinTheBound() throws Exception {
        start(Duration.ofMillis(300));
        long id = listener.addHandler(answering("x"), 0, "/apis");
        listener.routes.unbind(id);
        long t0 = System.nanoTime();
        Response r = get("/apis/metrics.k8s.io/v1beta1/nodes");
        System.out.printf("503 after %d ms (bound 300 ms)%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(503, r.status());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("1", r.header("Retry-After"));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"the server is currently unable to handle the request (no handler for /apis is available)\","
                + "\"reason\":\"ServiceUnavailable\",\"code\":503}\n", r.body());
    }

    @Test
    void waitingRequestsAreReleasedWhenTheListenerStops() throws Exception {
        start(Duration.ofSeconds(5));
        long id = listener.addHandler(answering("x"), 0, "/apis");
        listener.routes.unbind(id);
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/apis");
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitWaitingRequest();
        long t0 = System.nanoTime();
        listener.close();
        listener = null;
        System.out.printf("stop with a waiting request took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(503, waiting.get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void updatedPropertiesMoveTheHandler() throws Exception {
        start(Duration.ofMillis(200));
        HttpHandler h = answering("moved");
        long id = listener.addHandler(h, 0, "/old");
        assertEquals("moved", get("/old").body());
        listener.routes.bind(id, h, java.util.Map.of("kma.http.path", "/new", "service.id", id));
        assertEquals("moved", get("/new/x").body());
        assertEquals(503, get("/old").status(), "a prefix served before waits, then 503");
        assertTrue(listener.routes.knownPrefixes().containsAll(java.util.Set.of("/old", "/new")));
    }

    @Test
    void whiteboardCannotTakeTheHealthPathsOrInvalidPrefixes() throws Exception {
        start(Duration.ofSeconds(5));
        listener.addHandler(answering("hijack"), 0, "/healthz", "apis", "/readyz/");
        assertEquals("ok", get("/healthz").body());
        assertEquals("ok", get("/readyz").body());
        assertEquals(404, get("/apis").status());
    }

    @Test
    void aThrowingHandlerGets500StatusAndTheListenerCarriesOn() throws Exception {
        start(Duration.ofSeconds(5));
        listener.addHandler(exchange -> {
            throw new IllegalStateException("bug in a handler");
        }, 0, "/bug");
        Response r = get("/bug");
        assertEquals(500, r.status());
        assertTrue(r.body().contains("\"reason\":\"InternalError\""), r.body());
        assertEquals(200, get("/livez").status());
    }
}
