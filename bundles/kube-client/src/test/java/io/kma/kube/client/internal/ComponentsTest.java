package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FakeApiServer.json;
import static io.kma.kube.client.internal.FakeApiServer.list;
import static io.kma.kube.client.internal.FakeApiServer.node;
import static io.kma.kube.client.internal.FakeApiServer.pod;
import static io.kma.kube.client.internal.TestClients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.http.HealthCheck;
import io.kma.testsupport.JdkTlsMaterials;

/** The DS components wired by hand (no OSGi): activation without a kubeconfig, then recovery. */
class ComponentsTest {

    static ApiServerPki pki;
    static final Duration MAX = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeApiServer server;
    private ApiConnection connection;
    private ClusterCaches caches;
    private AuthenticationSettings authSettings;

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    @AfterEach
    void stop() {
        if (authSettings != null) {
            authSettings.deactivate();
        }
        if (caches != null) {
            caches.deactivate();
        }
        if (connection != null) {
            connection.deactivate();
        }
        if (server != null) {
            server.close();
        }
    }

    static KubeClientConfig config(Path p) {
        return config(p.toString());
    }

    static KubeClientConfig config(String path) {
        return new KubeClientConfig() {
            @Override
            public String kubeconfig() {
                return path;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return KubeClientConfig.class;
            }
        };
    }

    @Test
    void blankKubeconfigPathIsReported() throws Exception {
        connection = new ApiConnection();
        connection.activate(config(" "));
        assertTrue(await(() -> String.valueOf(connection.error()).startsWith("kubeconfig: no path configured"), MAX),
                String.valueOf(connection.error()));
    }

    @Test
    void tlsServiceArrivingLaterConnects() throws Exception {
        Path kc = TestClients.kubeconfig(dir, pki, "https://127.0.0.1:1", true, null);
        connection = new ApiConnection();
        connection.activate(config(kc));
        assertTrue(await(() -> String.valueOf(connection.error()).endsWith(
                "cannot read its certificates: the TlsMaterials service (bundle io.kma.tls) is not available"), MAX),
                String.valueOf(connection.error()));
        connection.bindTls(new JdkTlsMaterials());
        assertTrue(await(() -> connection.client() != null, MAX));
        assertNull(connection.error());
    }

    @Test
    void missingKubeconfigActivatesAndFailsChecksUntilFixed() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed nodeFeed = new FakeApiServer.WatchFeed();
        FakeApiServer.WatchFeed podFeed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, nodeFeed);
            } else {
                json(ex, 200, list("NodeList", "3", null, node("n1", "1")));
            }
        });
        server.on("/api/v1/pods", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, podFeed);
            } else {
                json(ex, 200, list("PartialObjectMetadataList", "4", null, pod("default", "p1", "2", "x")));
            }
        });
        server.on(TokenReviews.PATH, (ex, r) -> json(ex, 201,
                "{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"alice\"}}}"));
        server.on(AuthenticationConfigMap.PATH, (ex, r) -> json(ex, 200,
                "{\"data\":{\"requestheader-client-ca-file\":\"PEM\",\"requestheader-username-headers\":\"[\\\"X-Remote-User\\\"]\"}}"));

        Path missing = dir.resolve("etc/kubeconfig");
        connection = new ApiConnection();
        connection.bindTls(new JdkTlsMaterials());
        connection.activate(config(missing));
        caches = new ClusterCaches();
        caches.connection = connection;
        caches.start(InformerTest.FAST);
        authSettings = new AuthenticationSettings();
        authSettings.connection = connection;
        authSettings.start(50, 60_000);
        MetricInformerSyncCheck metricCheck = new MetricInformerSyncCheck();
        metricCheck.caches = caches;
        metricCheck.connection = connection;
        MetadataInformerSyncCheck metadataCheck = new MetadataInformerSyncCheck();
        metadataCheck.caches = caches;
        metadataCheck.connection = connection;
        DelegatedAuth auth = new DelegatedAuth();
        auth.connection = connection;
        auth.breaker = new ReviewBreaker();

        String expected = missing + ": file does not exist";
        assertTrue(await(() -> expected.equals(connection.error()), MAX), String.valueOf(connection.error()));
        // liveness does not fail for a broken kubeconfig (a restart would not help); readiness says why
        assertEquals(HealthCheck.Result.OK, metadataCheck.check());
        assertEquals(HealthCheck.Result.failed("cache for node informer has not synced: " + expected), metricCheck.check());
        assertTrue(caches.nodes().isEmpty());
        IOException e = assertThrows(IOException.class, () -> auth.review("t"));
        assertEquals("no kube-apiserver connection: " + expected, e.getMessage());

        // The file appears (e.g. written by an operator), the configuration is re-applied.
        Files.createDirectories(missing.getParent());
        Path written = TestClients.kubeconfig(missing.getParent(), pki, server.url(), true, null);
        assertEquals(missing, written);
        connection.modified(config(missing));
        assertTrue(await(() -> caches.nodesSynced() && caches.podsSynced(), MAX));
        assertNull(connection.error());
        assertEquals(HealthCheck.Result.OK, metadataCheck.check());
        assertEquals(HealthCheck.Result.OK, metricCheck.check());
        assertEquals(List.of("n1"), caches.nodes().stream().map(n -> n.name()).toList());
        assertEquals("p1", caches.pod("default", "p1").orElseThrow().name());
        assertEquals("alice", auth.review("t").orElseThrow().name());
        assertTrue(await(() -> authSettings.requestHeaderSettings().isPresent(), MAX));
        assertEquals(List.of("X-Remote-User"), authSettings.requestHeaderSettings().orElseThrow().usernameHeaders());

        KubeClientMetrics metrics = new KubeClientMetrics();
        metrics.connection = connection;
        metrics.caches = caches;
        StringBuilder out = new StringBuilder();
        metrics.writeTo(out);
        assertTrue(out.toString().contains("kube_metrics_appliance_apiserver_requests_total{code=\"200\",verb=\"list\"} 2\n"),
                out.toString());
        assertTrue(out.toString().contains("kube_metrics_appliance_cluster_cache_objects{resource=\"pods\"} 1\n"));

        // A broken edit keeps the working connection and the caches.
        Files.writeString(missing, "clusters: [");
        connection.modified(config(missing));
        Thread.sleep(200);
        assertNull(connection.error());
        assertEquals(HealthCheck.Result.OK, metricCheck.check());
        assertFalse(caches.nodes().isEmpty());
    }
}
