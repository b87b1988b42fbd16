package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.http.HealthCheck;
import io.kma.http.server.internal.TestClient.Response;

/** Upstream's healthz wire format, byte for byte, over one real listener. */
class HealthEndpointsTest {

    @TempDir
    static Path tmp;

    private static TestListener listener;
    private static SSLContext client;

    /** A check whose outcome the test sets. */
    private static final class Switch implements HealthCheck {
        private final String name;
        final AtomicReference<Result> result = new AtomicReference<>(Result.OK);

        Switch(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Result check() {
            return result.get();
        }
    }

    private static final Switch STORAGE = new Switch("metric-storage-ready");
    private static final Switch TIMELY = new Switch("metric-collection-timely");

    @BeforeAll
    static void start() throws Exception {
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp));
        client = TestClient.trustingAll(null);
        // Registered out of order on purpose: the listing follows kma.health.order.
        listener.addCheck(STORAGE, 100, "readyz");
        listener.addCheck(TIMELY, 100, "livez");
    }

    @AfterAll
    static void stop() {
        listener.close();
    }

    @BeforeEach
    void healthy() {
        STORAGE.result.set(HealthCheck.Result.OK);
        TIMELY.result.set(HealthCheck.Result.OK);
        listener.shutdown.markServing();
    }

    private static Response get(String path) throws IOException {
        return TestClient.get(client, listener.port(), path);
    }

    private static Response authorized(String path) throws IOException {
        return TestClient.get(client, listener.port(), path, "Authorization: Bearer good");
    }

    private static void assertText(int status, String body, Response r) {
        assertEquals(status, r.status());
        assertEquals(body, r.body());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
    }

    @Test
    void healthyWithoutVerboseIsOk() throws Exception {
        for (String endpoint : new String[] {"/livez", "/readyz", "/healthz"}) {
            assertText(200, "ok", get(endpoint));
        }
    }

    @Test
    void verboseListsEveryCheckInOrder() throws Exception {
        assertText(200, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                [+]metric-storage-ready ok
                [+]shutdown ok
                readyz check passed
                """, get("/readyz?verbose"));
        assertText(200, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                [+]metric-collection-timely ok
                livez check passed
                """, get("/livez?verbose=true"));
        assertText(200, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                healthz check passed
                """, get("/healthz?verbose"));
    }

    @Test
    void aFailureIs500WithTheVerboseListingAndNoReason() throws Exception {
        STORAGE.result.set(HealthCheck.Result.failed("no metrics to serve"));
        assertText(500, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                [-]metric-storage-ready failed: reason withheld
                [+]shutdown ok
                readyz check failed
                """, get("/readyz"));
        assertText(200, "ok", get("/livez"), "other endpoints are unaffected");
    }

    private static void assertText(int status, String body, Response r, String message) {
        assertEquals(status, r.status(), message);
        assertEquals(body, r.body(), message);
    }

    @Test
    void excludedChecksAreSkipped() throws Exception {
        STORAGE.result.set(HealthCheck.Result.failed("no metrics to serve"));
        assertText(200, "ok", get("/readyz?exclude=metric-storage-ready"));
        assertText(200, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                [+]metric-storage-ready excluded: ok
                [+]shutdown excluded: ok
                warn: some health checks cannot be excluded: no matches for "nope"
                readyz check passed
                """, get("/readyz?verbose&exclude=metric-storage-ready&exclude=shutdown&exclude=nope"));
    }

    @Test
    void oneCheckByNameNeedsCredentials() throws Exception {
        listener.gate = TestListener.BEARER_GOOD;
        try {
            assertText(200, "ok", authorized("/livez/ping"));
            assertText(200, "ok", authorized("/readyz/poststarthook/max-in-flight-filter"));
            STORAGE.result.set(HealthCheck.Result.failed("no metrics to serve"));
            assertText(500, "internal server error: no metrics to serve\n", authorized("/readyz/metric-storage-ready"));
            assertText(404, "404 page not found\n", authorized("/readyz/nope"));
            assertText(404, "404 page not found\n", authorized("/livez/metric-storage-ready"), "the check is not on livez");
            assertText(404, "404 page not found\n", authorized("/livez/"));
            // Anonymous: the sub-paths (which name the failure) are refused, the exact paths withhold the reason.
            for (String p : new String[] {"/readyz/metric-storage-ready", "/healthz/ping", "/livez/", "/healthz/"}) {
                assertEquals(401, get(p).status(), p);
                assertFalse(get(p).body().contains("no metrics to serve"), p);
            }
            TestClient.Response verbose = get("/readyz?verbose");
            assertEquals(500, verbose.status());
            assertTrue(verbose.body().contains("[-]metric-storage-ready failed: reason withheld\n"), verbose.body());
            assertFalse(verbose.body().contains("no metrics to serve"), verbose.body());
        } finally {
            listener.gate = null;
        }
    }

    @Test
    void withoutAGateSubPathsAreUnauthorized() throws Exception {
        assertEquals(401, authorized("/livez/ping").status());
        assertEquals(200, get("/livez").status());
    }

    @Test
    void shutdownFailsReadyzOnly() throws Exception {
        listener.shutdown.markStopping();
        assertText(500, """
                [+]ping ok
                [+]log ok
                [+]poststarthook/max-in-flight-filter ok
                [+]poststarthook/storage-object-count-tracker-hook ok
                [+]metric-storage-ready ok
                [-]shutdown failed: reason withheld
                readyz check failed
                """, get("/readyz?verbose"));
        listener.gate = TestListener.BEARER_GOOD;
        try {
            assertText(500, "internal server error: process is shutting down\n", authorized("/readyz/shutdown"));
        } finally {
            listener.gate = null;
        }
        assertText(200, "ok", get("/livez"));
        assertText(200, "ok", get("/healthz"));
    }

    @Test
    void aThrowingCheckFails() throws Exception {
        long id = listener.addCheck(new HealthCheck() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Result check() {
                throw new IllegalStateException("boom");
            }
        }, 5, "healthz");
        try {
            listener.gate = TestListener.BEARER_GOOD;
            assertText(500, "internal server error: java.lang.IllegalStateException: boom\n", authorized("/healthz/broken"));
            listener.gate = null;
            assertEquals(500, get("/healthz").status());
        } finally {
            listener.health.remove(id);
        }
        assertText(200, "ok", get("/healthz"));
    }

    @Test
    void checksOfTheSameNameAreListedOnce() throws Exception {
        long id = listener.addCheck(new Switch("ping"), 0, "livez"); // a second version of a bundle, during an update
        try {
            assertEquals(1, get("/livez?verbose").body().lines().filter(l -> l.equals("[+]ping ok")).count());
        } finally {
            listener.health.remove(id);
        }
    }
}
