package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FakeApiServer.json;
import static io.kma.kube.client.internal.FakeApiServer.list;
import static io.kma.kube.client.internal.FakeApiServer.node;
import static io.kma.kube.client.internal.FakeApiServer.pod;
import static io.kma.kube.client.internal.TestClients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.testsupport.LoopbackPorts;

class InformerTest {

    static final InformerTiming FAST = new InformerTiming(2, 300, 600, 20, 200);
    static final Duration MAX = Duration.ofSeconds(10);

    static ApiServerPki pki;

    @TempDir
    Path dir;

    private FakeApiServer server;
    private ApiClient client;
    private Informer<?> informer;
    private final RequestCounter counter = new RequestCounter();

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    @AfterEach
    void stop() {
        if (informer != null) {
            informer.stop();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Informer<NodeInfo> nodeInformer(NodeCache cache) throws Exception {
        return nodeInformer(cache, null);
    }

    /** @param hold holds the first list back; null: none */
    private Informer<NodeInfo> nodeInformer(NodeCache cache, ListHold hold) throws Exception {
        client = TestClients.client(TestClients.kubeconfig(dir, pki, server.url(), true, null), counter);
        Informer<NodeInfo> i = new Informer<>(ClusterCaches.NODES, new NodeDecoder(), cache, () -> client, FAST, hold);
        informer = i;
        return i;
    }

    private static List<String> names(NodeCache cache) {
        return cache.all().stream().map(NodeInfo::name).toList();
    }

    @Test
    void pagedListThenWatchEvents() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, feed);
            } else if (r.param("continue") == null) {
                json(ex, 200, list("NodeList", "100", "page-2", node("n3", "90"), node("n1", "91")));
            } else {
                json(ex, 200, list("NodeList", "100", null, node("n2", "92")));
            }
        });
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = nodeInformer(cache);
        inf.start();
        assertTrue(await(inf::synced, MAX));
        assertEquals(List.of("n1", "n2", "n3"), names(cache));

        List<FakeApiServer.Request> lists = server.requestsTo("/api/v1/nodes");
        assertEquals("2", lists.get(0).param("limit"));
        assertEquals("0", lists.get(0).param("resourceVersion"), "the first list may come from the watch cache");
        assertEquals(null, lists.get(0).param("continue"));
        assertEquals("page-2", lists.get(1).param("continue"));
        assertEquals(null, lists.get(1).param("resourceVersion"), "a continue token carries its own");
        assertTrue(lists.get(0).headers().get("user-agent").startsWith("kube-metrics-appliance/"));

        NodeInfo n1 = cache.get("n1").orElseThrow();
        assertEquals(List.of(new NodeAddress("InternalIP", "10.0.0.1"), new NodeAddress("Hostname", "n1")), n1.addresses());
        assertEquals(10250, n1.kubeletPort());
        assertTrue(n1.ready());
        assertEquals(Map.of("kubernetes.io/hostname", "n1"), n1.labels());
        assertEquals(Map.of("node.alpha.kubernetes.io/ttl", "0"), n1.annotations());
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), n1.creationTimestamp());

        assertTrue(await(() -> server.requestsTo("/api/v1/nodes").stream().anyMatch(FakeApiServer.Request::isWatch), MAX));
        FakeApiServer.Request watch = server.requestsTo("/api/v1/nodes").get(2);
        assertEquals("100", watch.param("resourceVersion"));
        assertEquals("true", watch.param("allowWatchBookmarks"));
        int timeout = Integer.parseInt(watch.param("timeoutSeconds"));
        assertTrue(timeout >= 300 && timeout <= 600, "timeoutSeconds " + timeout);

        feed.send("ADDED", node("n4", "101"));
        feed.send("MODIFIED", node("n1", "102").replace("\"status\":\"True\"", "\"status\":\"False\""));
        feed.send("DELETED", node("n2", "103"));
        feed.bookmark("150");
        assertTrue(await(() -> "150".equals(inf.resourceVersion()), MAX));
        assertEquals(List.of("n1", "n3", "n4"), names(cache));
        assertFalse(cache.get("n1").orElseThrow().ready());
    }

    @Test
    void endedWatchResumesFromLastResourceVersionAndKeepsCache() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        AtomicBoolean refuseWatches = new AtomicBoolean();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                if (refuseWatches.get()) {
                    json(ex, 503, FakeApiServer.status(503, "ServiceUnavailable", "etcd leader changed"));
                } else {
                    server.stream(ex, feed);
                }
            } else {
                json(ex, 200, list("NodeList", "10", null, node("a", "5")));
            }
        });
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = nodeInformer(cache);
        inf.start();
        assertTrue(await(inf::synced, MAX));
        feed.send("ADDED", node("b", "11"));
        feed.bookmark("12");
        assertTrue(await(() -> "12".equals(inf.resourceVersion()), MAX));

        refuseWatches.set(true);
        feed.end();
        assertTrue(await(() -> inf.lastError() != null, MAX));
        assertTrue(inf.lastError().contains("503"), inf.lastError());
        assertEquals(List.of("a", "b"), names(cache), "cache kept while kube-apiserver refuses");
        refuseWatches.set(false);

        assertTrue(await(() -> inf.lastError() == null, MAX));
        feed.send("ADDED", node("c", "13"));
        assertTrue(await(() -> cache.size() == 3, MAX));
        List<FakeApiServer.Request> rs = server.requestsTo("/api/v1/nodes");
        assertEquals(1, rs.stream().filter(r -> !r.isWatch()).count(), "no re-list for a plain reconnect");
        FakeApiServer.Request last = rs.get(rs.size() - 1);
        assertEquals("12", last.param("resourceVersion"), "resumed from the bookmark's resourceVersion");
        assertTrue(counter.get("watch", "503") >= 1);
    }

    @Test
    void goneReListsAndReplacesCache() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        AtomicInteger listCount = new AtomicInteger();
        AtomicInteger watchCount = new AtomicInteger();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                if (watchCount.incrementAndGet() == 2) {
                    // second watch: the HTTP status form of 410
                    json(ex, 410, FakeApiServer.status(410, "Expired", "too old resource version: 20 (30)"));
                } else {
                    server.stream(ex, feed);
                }
                return;
            }
            int n = listCount.incrementAndGet();
            if (n == 1) {
                json(ex, 200, list("NodeList", "10", null, node("old-1", "5"), node("old-2", "6")));
            } else if (n == 2) {
                json(ex, 200, list("NodeList", "30", null, node("new-1", "25")));
            } else {
                json(ex, 200, list("NodeList", "40", null, node("new-2", "35")));
            }
        });
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = nodeInformer(cache);
        inf.start();
        assertTrue(await(inf::synced, MAX));
        assertEquals(List.of("old-1", "old-2"), names(cache));

        feed.error(410, "Expired"); // ERROR event form of 410 on the first watch
        assertTrue(await(() -> listCount.get() >= 2, MAX));
        assertTrue(await(() -> names(cache).equals(List.of("new-1")) || names(cache).equals(List.of("new-2")), MAX));
        // the second watch answers HTTP 410: a third list follows
        assertTrue(await(() -> listCount.get() == 3 && "40".equals(inf.resourceVersion()), MAX));
        assertEquals(List.of("new-2"), names(cache));
        assertTrue(await(() -> watchCount.get() >= 3, MAX));
        FakeApiServer.Request last = server.requestsTo("/api/v1/nodes").get(server.requestsTo("/api/v1/nodes").size() - 1);
        assertEquals("40", last.param("resourceVersion"));
        List<FakeApiServer.Request> lists = server.requestsTo("/api/v1/nodes").stream().filter(r -> !r.isWatch()).toList();
        assertEquals("0", lists.get(0).param("resourceVersion"));
        // relists as the reflector: from the last resourceVersion seen, without limit (served by the watch cache)
        assertEquals("10", lists.get(1).param("resourceVersion"));
        assertEquals(null, lists.get(1).param("limit"));
        assertEquals("30", lists.get(2).param("resourceVersion"));
        assertEquals(null, lists.get(2).param("limit"));
    }

    @Test
    void relistAtAnUnavailableResourceVersionListsTheLatestInPages() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        AtomicInteger watchCount = new AtomicInteger();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                if (watchCount.incrementAndGet() == 1) {
                    json(ex, 410, FakeApiServer.status(410, "Expired", "too old resource version: 10 (50)"));
                } else {
                    server.stream(ex, feed);
                }
            } else if ("10".equals(r.param("resourceVersion"))) {
                json(ex, 504, FakeApiServer.status(504, "Timeout", "Too large resource version: 10, current: 9"));
            } else if (r.param("resourceVersion") == null) {
                json(ex, 200, list("NodeList", "60", null, node("latest", "55")));
            } else {
                json(ex, 200, list("NodeList", "10", null, node("first", "5")));
            }
        });
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = nodeInformer(cache);
        inf.start();
        assertTrue(await(() -> "60".equals(inf.resourceVersion()), MAX));
        assertEquals(List.of("latest"), names(cache));
        List<FakeApiServer.Request> lists = server.requestsTo("/api/v1/nodes").stream().filter(r -> !r.isWatch()).toList();
        assertEquals(3, lists.size());
        assertEquals("10", lists.get(1).param("resourceVersion"));
        assertEquals(null, lists.get(2).param("resourceVersion"), "a consistent read");
        assertEquals("2", lists.get(2).param("limit"), "from etcd: in pages");
        assertTrue(await(() -> watchCount.get() >= 2, MAX));
    }

    @Test
    void apiserverDownBacksOffThenRecovers() throws Exception {
        int port = LoopbackPorts.free();
        client = TestClients.client(TestClients.kubeconfig(dir, pki, "https://127.0.0.1:" + port, true, null), counter);
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = new Informer<>(ClusterCaches.NODES, new NodeDecoder(), cache, () -> client, FAST);
        informer = inf;
        inf.start();
        Thread.sleep(700);
        long failures = counter.get("list", "<error>");
        // 20, 40, 80, 160, 200, 200 ms (±20%): a handful of attempts, not a hot loop
        assertTrue(failures >= 3 && failures <= 10, "attempts while down: " + failures);
        assertFalse(inf.synced());
        assertTrue(inf.started());
        assertTrue(inf.lastError().startsWith("node list at https://127.0.0.1:" + port + " failed"), inf.lastError());

        server = new FakeApiServer(pki, port);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, feed);
            } else {
                json(ex, 200, list("NodeList", "7", null, node("back", "7")));
            }
        });
        assertTrue(await(inf::synced, Duration.ofSeconds(5)));
        assertEquals(List.of("back"), names(cache));
    }

    @Test
    void podMetadataOnlyWithInternedLabels() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/pods", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, feed);
            } else {
                json(ex, 200, list("PartialObjectMetadataList", "500", null, pod("kube-system", "dns-2", "1", "dns"),
                        pod("default", "web-b", "2", "web"), pod("kube-system", "dns-1", "3", "dns"),
                        pod("default", "web-a", "4", "web")));
            }
        });
        client = TestClients.client(TestClients.kubeconfig(dir, pki, server.url(), true, null), counter);
        PodCache cache = new PodCache();
        Interner interner = new Interner();
        Informer<PodInfo> inf = new Informer<>(ClusterCaches.PODS, new PodMetadataDecoder(interner), cache,
                () -> client, FAST);
        informer = inf;
        inf.start();
        assertTrue(await(inf::synced, MAX));
        FakeApiServer.Request first = server.requestsTo("/api/v1/pods").get(0);
        assertEquals(ClusterCaches.POD_LIST_ACCEPT, first.headers().get("accept"));
        assertTrue(first.rawQuery().contains("fieldSelector=status.phase%3DRunning"), first.rawQuery());
        assertEquals(List.of("default/web-a", "default/web-b", "kube-system/dns-1", "kube-system/dns-2"),
                cache.all().stream().map(p -> p.namespace() + "/" + p.name()).toList());
        PodInfo a = cache.get("default", "web-a").orElseThrow();
        PodInfo b = cache.get("default", "web-b").orElseThrow();
        assertEquals(Map.of("app", "web", "pod-template-hash", "5d8f"), a.labels());
        assertSame(a.labels(), b.labels(), "identical label maps are shared");
        assertSame(a.namespace(), b.namespace());
        assertEquals(Instant.parse("2026-11-02T10:00:00Z"), a.creationTimestamp());

        feed.send("DELETED", pod("kube-system", "dns-1", "600", "dns"));
        feed.send("DELETED", pod("kube-system", "dns-2", "601", "dns"));
        feed.send("ADDED", pod("monitoring", "prom-0", "602", "prom"));
        assertTrue(await(() -> "602".equals(inf.resourceVersion()), MAX));
        assertEquals(List.of("default/web-a", "default/web-b", "monitoring/prom-0"),
                cache.all().stream().map(p -> p.namespace() + "/" + p.name()).toList());
        // Events are decoded as they stream, by the list's decoder: the same pod from a watch event equals the
        // listed one (and is not replaced); an object before its type and unknown fields are read as well.
        var listed = cache.all();
        feed.send("MODIFIED", pod("default", "web-a", "603", "web"));
        feed.raw("{\"object\":" + pod("default", "web-b", "604", "db") + ",\"extra\":[{\"x\":1}],\"type\":\"MODIFIED\"}");
        assertTrue(await(() -> "604".equals(inf.resourceVersion()), MAX));
        assertSame(a, cache.get("default", "web-a").orElseThrow(), "an unchanged pod keeps its instance");
        assertEquals(Map.of("app", "db", "pod-template-hash", "5d8f"), cache.get("default", "web-b").orElseThrow().labels());
        assertEquals(Instant.parse("2026-11-02T10:00:00Z"), cache.get("default", "web-b").orElseThrow().creationTimestamp());
        assertNotSame(listed, cache.all(), "a changed pod makes a new list");
        assertEquals(List.of(), cache.inNamespace("kube-system"));
        assertEquals(2, cache.namespaces(), "empty namespaces are dropped");
        assertEquals(3, cache.size());
        FakeApiServer.Request watch = server.requestsTo("/api/v1/pods").get(1);
        assertTrue(watch.isWatch());
        assertEquals(ClusterCaches.POD_WATCH_ACCEPT, watch.headers().get("accept"));
        assertEquals("status.phase=Running", watch.param("fieldSelector"));
    }

    private void serveOneNode() {
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, feed);
            } else {
                json(ex, 200, list("NodeList", "100", null, node("n1", "90")));
            }
        });
    }

    @Test
    void heldListWaitsForItsRelease() throws Exception {
        server = new FakeApiServer(pki, 0);
        serveOneNode();
        ListHold hold = new ListHold(60_000);
        NodeCache cache = new NodeCache();
        Informer<NodeInfo> inf = nodeInformer(cache, hold);
        inf.start();
        assertTrue(inf.holding());
        Thread.sleep(300); // long enough for a list that was not held (the others here sync in milliseconds)
        assertEquals(List.of(), server.requestsTo("/api/v1/nodes"), "nothing is asked while held");
        assertFalse(inf.synced());
        hold.release();
        assertTrue(await(inf::synced, MAX));
        assertFalse(inf.holding());
        assertEquals(List.of("n1"), names(cache));
        hold.release(); // again: nothing happens
        assertTrue(hold.released());
    }

    @Test
    void heldListGoesAtItsBound() throws Exception {
        server = new FakeApiServer(pki, 0);
        serveOneNode();
        ListHold hold = new ListHold(200);
        Informer<NodeInfo> inf = nodeInformer(new NodeCache(), hold);
        inf.start();
        assertTrue(await(inf::synced, MAX), "listed without a release once the bound passed");
        assertFalse(hold.released());
    }

    @Test
    void stopEndsAHeldInformer() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Informer<NodeInfo> inf = new Informer<>(ClusterCaches.NODES, new NodeDecoder(), new NodeCache(), () -> {
            asked.incrementAndGet();
            return null;
        }, FAST, new ListHold(60_000));
        inf.start();
        inf.stop();
        assertFalse(inf.holding(), "the thread left its wait");
        assertEquals(0, asked.get(), "a stopped informer never looked for a client");
    }

    /** Reads one watch event with a pod informer that has no API client, and returns what it threw. */
    private static <E extends Throwable> E eventFails(Class<E> expected, String event) throws Exception {
        Informer<PodInfo> inf = new Informer<>(ClusterCaches.PODS, new PodMetadataDecoder(new Interner()), new PodCache(),
                () -> null, FAST);
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        try (com.fasterxml.jackson.core.JsonParser p = m.getFactory().createParser(event)) {
            p.nextToken();
            return org.junit.jupiter.api.Assertions.assertThrows(expected, () -> inf.event(p, m));
        }
    }

    @Test
    void watchErrorMessageIsBounded() throws Exception {
        String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":500,\"message\":\""
                + "x".repeat(100_000) + "\"}}";
        ApiException e = eventFails(ApiException.class, event);
        assertEquals(500, e.code());
        assertTrue(e.getMessage().length() < Informer.MAX_MESSAGE + 64, "message of " + e.getMessage().length());
        assertTrue(e.getMessage().startsWith("watch error 500: xxx"), e.getMessage().substring(0, 40));
    }

    @Test
    void anObjectBeforeItsTypeIsBufferedOnlyUpToABound() throws Exception {
        // a flat array of numbers inside the object: one token each
        String huge = "{\"object\":{\"metadata\":{\"name\":\"p\"},\"pad\":["
                + "1,".repeat(Informer.MAX_BUFFERED_TOKENS) + "1]},\"type\":\"ADDED\"}";
        java.io.IOException e = eventFails(java.io.IOException.class, huge);
        assertTrue(e.getMessage().contains("more than " + Informer.MAX_BUFFERED_TOKENS + " tokens"), e.getMessage());
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        // nested objects and arrays are copied whole, and the parser stops at the object's end
        String nested = "{\"a\":[{\"b\":[1,{\"c\":{}}]},[]],\"d\":\"e\"}";
        try (com.fasterxml.jackson.core.JsonParser p = m.getFactory().createParser(nested + "[9]")) {
            p.nextToken();
            com.fasterxml.jackson.databind.util.TokenBuffer out = new com.fasterxml.jackson.databind.util.TokenBuffer(p);
            Informer.copyBounded(p, out);
            assertEquals(com.fasterxml.jackson.core.JsonToken.END_OBJECT, p.currentToken());
            assertEquals(com.fasterxml.jackson.core.JsonToken.START_ARRAY, p.nextToken());
            assertEquals(m.readTree(nested), m.readTree(out.asParser(m)));
        }
    }

    @Test
    void serverMessagesAreLoggableOnOneLineAndNotCutInsideACharacter() {
        assertEquals("a b c", Informer.loggable("a\nb\u001bc"));
        assertEquals(null, Informer.loggable(null));
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        String cutThere = "x".repeat(Informer.MAX_MESSAGE - 1) + emoji + "tail";
        String out = Informer.loggable(cutThere);
        assertEquals("x".repeat(Informer.MAX_MESSAGE - 1) + "...", out, "the pair is dropped whole, not split");
        assertEquals("x".repeat(Informer.MAX_MESSAGE) + "...", Informer.loggable("x".repeat(Informer.MAX_MESSAGE + 5)));
    }

    @Test
    void stopUnblocksAnOpenWatchPromptly() throws Exception {
        server = new FakeApiServer(pki, 0);
        FakeApiServer.WatchFeed feed = new FakeApiServer.WatchFeed();
        server.on("/api/v1/nodes", (ex, r) -> {
            if (r.isWatch()) {
                server.stream(ex, feed);
            } else {
                json(ex, 200, list("NodeList", "1", null));
            }
        });
        Informer<NodeInfo> inf = nodeInformer(new NodeCache());
        inf.start();
        assertTrue(await(() -> server.requestsTo("/api/v1/nodes").stream().anyMatch(FakeApiServer.Request::isWatch), MAX));
        long t0 = System.nanoTime();
        inf.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_000, "stop took " + ms + " ms");
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("kma-kube-client-node-informer") && t.isAlive());
        assertFalse(alive, "informer thread ended");
    }

    @Test
    void serverNameIsVerified() throws Exception {
        server = new FakeApiServer(pki, 0);
        server.on("/api/v1/nodes", (ex, r) -> json(ex, 200, list("NodeList", "1", null)));
        // The server certificate names kubernetes.default.svc, not 127.0.0.1: without tls-server-name it must fail.
        Path other = java.nio.file.Files.createDirectories(dir.resolve("no-name"));
        try (ApiClient c = TestClients.client(TestClients.kubeconfig(other, pki, server.url(), false, null), counter)) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(javax.net.ssl.SSLException.class,
                    () -> c.get("get", "/api/v1/nodes"));
            assertNotNull(e.getMessage());
        }
        try (ApiClient c = TestClients.client(TestClients.kubeconfig(dir, pki, server.url(), true, null), counter)) {
            assertEquals("NodeList", c.get("get", "/api/v1/nodes").path("kind").asText());
        }
    }
}
