package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.UserInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;
import io.kma.shared.labels.LabelSelector;
import io.undertow.Undertow;

import io.kma.testsupport.TestPki;

/**
 * The handler on a real Undertow HTTPS listener on 127.0.0.1, configured as the http-server bundle
 * configures it (client certificates requested, not verified), with fake collaborators.
 */
class HttpsEndpointTest {

    static final long NOW = DocumentsTest.nanos("2026-08-04T10:00:05Z");
    static final long TS = DocumentsTest.nanos("2026-08-04T10:00:01Z");

    @TempDir
    static Path dir;
    static TestPki.Issued serverCa;
    static TestPki.Issued frontProxyCa;
    static Undertow server;
    static int port;
    static volatile MetricsApiHandler current;
    static HttpClient anonymous;
    static HttpClient frontProxy;
    static HttpClient intruder;
    static HttpClient rogue;
    static Path frontProxyCaFile;

    Fakes.Services services;
    Fakes.Cluster cluster;
    Fakes.Store store;
    Fakes.Tokens tokens;
    Fakes.Access access;

    @BeforeAll
    static void start() throws Exception {
        serverCa = TestPki.ca("server-ca");
        frontProxyCa = TestPki.ca("front-proxy-ca");
        TestPki.Issued otherCa = TestPki.ca("front-proxy-ca");
        frontProxyCaFile = dir.resolve("front-proxy-ca.crt");
        Files.writeString(frontProxyCaFile, frontProxyCa.certPem());
        server = Undertow.builder()
                .addHttpsListener(0, "127.0.0.1",
                        TestPki.serverContext(TestPki.server(serverCa, "localhost", "localhost", "127.0.0.1")))
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .setIoThreads(1).setWorkerThreads(4)
                .setHandler(HttpsEndpointTest::route)
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        anonymous = client(null);
        frontProxy = client(TestPki.client(frontProxyCa, "CN=front-proxy-client"));
        intruder = client(TestPki.client(frontProxyCa, "CN=intruder"));
        rogue = client(TestPki.client(otherCa, "CN=front-proxy-client"));
    }

    /** As the http-server routes: health sub-paths through the handler's AccessGate, everything else to the handler. */
    private static void route(io.undertow.server.HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestPath().startsWith("/readyz/") || exchange.getRequestPath().startsWith("/livez/")) {
            if (exchange.isInIoThread()) {
                exchange.dispatch(HttpsEndpointTest::route);
                return;
            }
            if (current.admit(exchange)) {
                exchange.getOutputStream().write("admitted".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            exchange.endExchange();
            return;
        }
        current.handleRequest(exchange);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static HttpClient client(TestPki.Issued cert) throws Exception {
        return HttpClient.newBuilder().sslContext(TestPki.clientContext(serverCa.cert(), cert))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @BeforeEach
    void fresh() {
        cluster = new Fakes.Cluster();
        store = new Fakes.Store();
        tokens = new Fakes.Tokens();
        access = new Fakes.Access();
        services = new Fakes.Services();
        services.cluster = cluster;
        services.store = store;
        services.tokens = tokens;
        services.access = access;
        install(settings("", false));

        Map<String, String> l1 = new TreeMap<>(Map.of("kubernetes.io/hostname", "node1", "zone", "a"));
        cluster.add(DocumentsTest.node("node1", l1));
        cluster.add(DocumentsTest.node("node2", Map.of("zone", "b")));
        cluster.add(DocumentsTest.node("node3", Map.of("zone", "a"))); // no usage: left out
        cluster.add(DocumentsTest.node("master", Map.of("role", "excluded")));
        store.nodes.put("node1", new NodeUsage("node1", TS, 15_012_000_000L, new Usage(179_554_087L, 1_629_532_160L)));
        store.nodes.put("node2", new NodeUsage("node2", TS, 60_500_000_000L, new Usage(1_000_000_000L, 5 * 1024 * 1024L)));
        store.nodes.put("master", new NodeUsage("master", TS, 1_000L, new Usage(0, 0)));

        pod("ns1", "web-1", Map.of("app", "web"), true);
        pod("ns1", "db-0", Map.of("app", "db"), true);
        pod("ns1", "starting", Map.of("app", "web"), false);
        pod("ns2", "web-1", Map.of("app", "web"), true);
    }

    void pod(String ns, String name, Map<String, String> labels, boolean withUsage) {
        cluster.add(new PodInfo(ns, name, labels, null));
        if (withUsage) {
            store.pods.put(ns + "/" + name, new PodUsage(ns, name, TS, 14_900_000_000L, List.of(
                    new ContainerUsage("app", new Usage(4_710_169L, 12_533_760L)),
                    new ContainerUsage("sidecar", new Usage(1_500_000L, 1025L)))));
        }
    }

    private ApiSettings settings(String caFile, boolean alwaysAllow) {
        return new ApiSettings(LabelSelector.parse("role!=excluded"),
                caFile.isEmpty() ? frontProxyCaFile.toString() : caFile, List.of("front-proxy-client"),
                List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), 10_000, alwaysAllow,
                10_000, 10_000, List.of("/healthz", "/readyz", "/livez"));
    }

    private void install(ApiSettings s) {
        current = new MetricsApiHandler(s, services, SelfMetrics.newFreshnessHistogram(), "0.1.0.SNAPSHOT",
                () -> NOW, System::nanoTime);
    }

    private static HttpResponse<String> get(HttpClient c, String path, String... headers) throws Exception {
        return send(c, "GET", path, headers);
    }

    private static HttpResponse<String> send(HttpClient c, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String[] ADMIN = {"X-Remote-User", "kubernetes-admin", "X-Remote-Group", "system:masters"};

    @Test
    void aggregatorAvailabilityCheckGetsDiscoveryByteForByte() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1",
                "X-Remote-User", "system:kube-aggregator", "X-Remote-Group", "system:masters");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"metrics.k8s.io/v1beta1\","
                + "\"resources\":[{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"NodeMetrics\","
                + "\"verbs\":[\"get\",\"list\"]},{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}\n", r.body());
        assertEquals(List.of(), access.requests, "system:masters needs no SubjectAccessReview");

        assertEquals("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"metrics.k8s.io\",\"versions\":"
                + "[{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}],\"preferredVersion\":{\"groupVersion\":"
                + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"},\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\","
                + "\"serverAddress\":\"127.0.0.1:" + port + "\"}]}]}\n", get(frontProxy, "/apis", ADMIN).body());
        assertEquals("{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":"
                + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}],\"preferredVersion\":{\"groupVersion\":"
                + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}}\n", get(frontProxy, "/apis/metrics.k8s.io", ADMIN).body());
    }

    @Test
    void nodeListHonoursNodeSelectorAndLabelSelector() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN);
        assertEquals(200, r.statusCode());
        assertEquals("{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":["
                + "{\"metadata\":{\"name\":\"node1\",\"creationTimestamp\":\"2026-08-04T10:00:05Z\",\"labels\":"
                + "{\"kubernetes.io/hostname\":\"node1\",\"zone\":\"a\"}},\"timestamp\":\"2026-08-04T10:00:01Z\","
                + "\"window\":\"15.012s\",\"usage\":{\"cpu\":\"179554087n\",\"memory\":\"1591340Ki\"}},"
                + "{\"metadata\":{\"name\":\"node2\",\"creationTimestamp\":\"2026-08-04T10:00:05Z\",\"labels\":{\"zone\":\"b\"}},"
                + "\"timestamp\":\"2026-08-04T10:00:01Z\",\"window\":\"1m0.5s\",\"usage\":{\"cpu\":\"1\",\"memory\":\"5Mi\"}}]}\n",
                r.body());
        String zoneB = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%20in%20(b,c)", ADMIN).body();
        assertTrue(zoneB.contains("\"node2\"") && !zoneB.contains("\"node1\""), zoneB);
        String byName = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dnode1", ADMIN).body();
        assertTrue(byName.contains("\"node1\"") && !byName.contains("\"node2\""), byName);
        String byNamespace = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.namespace%3Dns1", ADMIN).body();
        assertTrue(byNamespace.endsWith("\"items\":[]}\n"), byNamespace);
        String one = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes/node2", ADMIN).body();
        assertTrue(one.startsWith("{\"kind\":\"NodeMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{\"name\":\"node2\""), one);
    }

    @Test
    void podsPerNamespaceAndAcrossNamespaces() throws Exception {
        String ns1 = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods", ADMIN).body();
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":["
                + podJson("ns1", "db-0", "db") + "," + podJson("ns1", "web-1", "web") + "]}\n", ns1);
        String all = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb", ADMIN).body();
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":["
                + podJson("ns1", "web-1", "web") + "," + podJson("ns2", "web-1", "web") + "]}\n", all);
        String one = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns2/pods/web-1", ADMIN).body();
        assertEquals("{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\"," + podJson("ns2", "web-1", "web").substring(1) + "\n", one);
    }

    private static String podJson(String ns, String name, String app) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"creationTimestamp\":\"2026-08-04T10:00:05Z\","
                + "\"labels\":{\"app\":\"" + app + "\"}},\"timestamp\":\"2026-08-04T10:00:01Z\",\"window\":\"14.9s\",\"containers\":["
                + "{\"name\":\"app\",\"usage\":{\"cpu\":\"4710169n\",\"memory\":\"12240Ki\"}},"
                + "{\"name\":\"sidecar\",\"usage\":{\"cpu\":\"1500u\",\"memory\":\"1025\"}}]}";
    }

    @Test
    void notFoundStatuses() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes/node3", ADMIN);
        assertEquals(404, r.statusCode());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"nodemetrics.metrics.k8s.io \\\"node3\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"node3\","
                + "\"group\":\"metrics.k8s.io\",\"kind\":\"nodemetrics\"},\"code\":404}\n", r.body());
        assertTrue(get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes/ghost", ADMIN).body()
                .contains("\"message\":\"node \\\"ghost\\\" not found\""));
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods/starting", ADMIN);
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"message\":\"podmetrics.metrics.k8s.io \\\"ns1/starting\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"ns1/starting\",\"group\":\"metrics.k8s.io\",\"kind\":\"podmetrics\"}"), r.body());
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods/gone", ADMIN);
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"pods \\\"gone\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"gone\",\"kind\":\"pods\"},\"code\":404}\n",
                r.body());
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/services", ADMIN);
        assertEquals(404, r.statusCode());
        assertEquals("404 page not found\n", r.body());
    }

    @Test
    void watchAndWritesAreMethodNotAllowed() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/pods?watch=true", ADMIN);
        assertEquals(405, r.statusCode());
        assertTrue(r.body().contains("\"message\":\"watch is not supported on resources of kind \\\"pods.metrics.k8s.io\\\"\""), r.body());
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            r = send(frontProxy, method, "/apis/metrics.k8s.io/v1beta1/nodes/node1", ADMIN);
            assertEquals(405, r.statusCode(), method);
            assertTrue(r.body().contains("\"reason\":\"MethodNotAllowed\""), r.body());
        }
    }

    @Test
    void badSelectorsAre400() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dnode1", ADMIN);
        assertEquals(400, r.statusCode());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"\\\"spec.nodeName\\\" is not a known field selector: only \\\"metadata.name\\\", \\\"metadata.namespace\\\"\","
                + "\"reason\":\"BadRequest\",\"code\":400}\n", r.body());
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a%20in%20b", ADMIN);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"reason\":\"BadRequest\""), r.body());
    }

    @Test
    void credentialsAreRequired() throws Exception {
        HttpResponse<String> r = get(anonymous, "/apis/metrics.k8s.io/v1beta1");
        assertEquals(401, r.statusCode());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
                + "\"reason\":\"Unauthorized\",\"code\":401}\n", r.body());
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(),
                "forged X-Remote-User without a client certificate");
        assertEquals(401, get(rogue, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(),
                "front-proxy CN from a CA that is not the request-header CA");
        assertEquals(401, get(intruder, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(),
                "CN not in the allowed names");
        assertEquals(401, get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes").statusCode(),
                "trusted proxy without a user header");
    }

    @Test
    void frontProxyCertificateMatrix() throws Exception {
        // As k8s.io/apiserver's x509 request-header tests: only a valid clientAuth chain to the request-header CA,
        // with an allowed CN, may assert a user.
        HttpClient wrongEku = client(TestPki.certificate("CN=front-proxy-client").serverAuth().signedBy(frontProxyCa));
        assertEquals(401, get(wrongEku, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(), "serverAuth-only EKU");
        HttpClient expired = client(TestPki.certificate("CN=front-proxy-client").clientAuth()
                .validity(Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(Duration.ofHours(1))).signedBy(frontProxyCa));
        assertEquals(401, get(expired, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(), "expired");
        HttpClient viaIntermediate = client(TestPki.client(TestPki.intermediate(frontProxyCa, "front-proxy-intermediate"),
                "CN=front-proxy-client"));
        assertEquals(200, get(viaIntermediate, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN).statusCode(),
                "a chain through an intermediate to the request-header CA");
        String huge = "u".repeat(17_000);
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "X-Remote-User", huge).statusCode(),
                "a 17 KB forged user without a certificate");
    }

    @Test
    void healthSubPathsAreGatedLikeAnyNonResourcePath() throws Exception {
        // The http-server's AccessGate (see the test server's handler): the same authentication and authorization
        // as /metrics, as a non-resource get of the path.
        HttpResponse<String> r = get(frontProxy, "/readyz/metric-storage-ready", "X-Remote-User", "bob");
        assertEquals(200, r.statusCode());
        assertEquals("admitted", r.body());
        AccessRequest last = access.requests.get(access.requests.size() - 1);
        assertEquals(new AccessRequest(last.user(), "get", "", "", null, "", "", "/readyz/metric-storage-ready"), last);
        assertEquals(403, get(frontProxy, "/readyz/metric-storage-ready", "X-Remote-User", "jane").statusCode());
        assertEquals(401, get(anonymous, "/readyz/metric-storage-ready").statusCode());
        access.fail = true;
        assertEquals(500, get(frontProxy, "/livez/ping", "X-Remote-User", "bob").statusCode());
    }

    @Test
    void frontProxyUserIsAuthorizedWithSubjectAccessReview() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods?labelSelector=app%3Dweb",
                "X-Remote-User", "alice", "X-Remote-Group", "devs", "X-Remote-Group", "qa",
                "X-Remote-Extra-Scopes", "view", "X-Remote-Extra-Scopes", "edit", "X-Remote-Extra-Acme.com%2fteam", "blue");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, access.requests.size());
        AccessRequest sar = access.requests.get(0);
        assertEquals(new UserInfo("alice", "", List.of("devs", "qa", "system:authenticated"),
                Map.of("scopes", List.of("view", "edit"), "acme.com/team", List.of("blue"))), sar.user());
        assertEquals(new AccessRequest(sar.user(), "list", "metrics.k8s.io", "v1beta1", "pods", "ns1", "", null), sar);

        get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods/web-1", "X-Remote-User", "alice",
                "X-Remote-Group", "devs", "X-Remote-Group", "qa");
        assertEquals(new AccessRequest(new UserInfo("alice", "", List.of("devs", "qa", "system:authenticated"), Map.of()),
                "get", "metrics.k8s.io", "v1beta1", "pods", "ns1", "web-1", null), access.requests.get(1));
    }

    @Test
    void deniedUserGets403AndTheDecisionIsCached() throws Exception {
        String[] jane = {"X-Remote-User", "jane"};
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", jane);
        assertEquals(403, r.statusCode());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"nodes.metrics.k8s.io is forbidden: User \\\"jane\\\" cannot list resource \\\"nodes\\\" in API group "
                + "\\\"metrics.k8s.io\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"group\":\"metrics.k8s.io\","
                + "\"kind\":\"nodes\"},\"code\":403}\n", r.body());
        assertEquals(403, get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", jane).statusCode());
        assertEquals(1, access.requests.size(), "second decision from the cache");
        assertEquals(1, current.authorizer().cacheHits());

        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/x", jane);
        assertTrue(r.body().contains("\"message\":\"pods.metrics.k8s.io \\\"x\\\" is forbidden: User \\\"jane\\\" cannot get resource "
                + "\\\"pods\\\" in API group \\\"metrics.k8s.io\\\" in the namespace \\\"ns\\\"\",\"reason\":\"Forbidden\","
                + "\"details\":{\"name\":\"x\",\"group\":\"metrics.k8s.io\",\"kind\":\"pods\"}"), r.body());
        r = get(frontProxy, "/metrics", jane);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("\"message\":\"forbidden: User \\\"jane\\\" cannot get path \\\"/metrics\\\"\""), r.body());
        AccessRequest last = access.requests.get(access.requests.size() - 1);
        assertEquals("/metrics", last.path());
        assertEquals("get", last.verb());
    }

    @Test
    void anAuthorizerErrorIs500AsKubeApiserverAnswersIt() throws Exception {
        access.fail = true;
        var r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes?limit=1", "X-Remote-User", "bob");
        assertEquals(500, r.statusCode());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().startsWith("Internal Server Error: \"/apis/metrics.k8s.io/v1beta1/nodes?limit=1\": "
                + "SubjectAccessReview failed: "), r.body());
        assertEquals(500, get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", "X-Remote-User", "bob").statusCode());
        assertEquals(2, access.requests.size(), "errors are not cached");
    }

    @Test
    void bearerTokensAreReviewedOnceThenCached() throws Exception {
        tokens.valid.put("good-token", new UserInfo("bob", "u1", List.of("devs"), Map.of()));
        assertEquals(200, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer good-token").statusCode());
        assertEquals(200, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer good-token").statusCode());
        assertEquals(1, tokens.calls.get());
        assertEquals(List.of("devs", "system:authenticated"), access.requests.get(0).user().groups());
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer bad").statusCode());
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer bad").statusCode());
        assertEquals(2, tokens.calls.get(), "negative answers are cached too");
        assertEquals(2, current.authenticator().tokenCacheHits());
    }

    @Test
    void aFailedTokenReviewIsNotCachedAndFailedReviewsAreLimitedPerClient() throws Exception {
        tokens.valid.put("good-token", new UserInfo("bob", "u1", List.of("devs"), Map.of()));
        tokens.fail = true;
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer good-token").statusCode());
        tokens.fail = false;
        assertEquals(200, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer good-token").statusCode(),
                "the error was not cached");
        assertEquals(2, tokens.calls.get());
        // Unknown tokens from this client: FailedTokenLimit.BURST reviews (one failed already), then none.
        for (int i = 1; i < FailedTokenLimit.BURST; i++) {
            get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer random-" + i);
        }
        int calls = tokens.calls.get();
        assertEquals(401, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer one-more").statusCode());
        assertEquals(calls, tokens.calls.get(), "not reviewed: too many failed TokenReviews from 127.0.0.1");
        assertEquals(200, get(anonymous, "/apis/metrics.k8s.io/v1beta1/nodes", "Authorization", "Bearer good-token").statusCode(),
                "a cached valid token still works");
        HttpResponse<String> metrics = get(frontProxy, "/metrics", ADMIN);
        assertTrue(metrics.body().contains("kube_metrics_appliance_request_auth_failures_total{category=\"token_rate_limited\"} 1\n"),
                metrics.body());
        assertTrue(metrics.body().contains("kube_metrics_appliance_request_auth_failures_total{category=\"token_review_failed\"} 1\n"));
    }

    @Test
    void tableAndProtobufNegotiation() throws Exception {
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns2/pods", "X-Remote-User", "admin",
                "X-Remote-Group", "system:masters", "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        assertEquals("application/json;as=Table;v=v1;g=meta.k8s.io", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().startsWith("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},\"columnDefinitions\":["), r.body());
        assertTrue(r.body().contains("\"rows\":[{\"cells\":[\"web-1\",\"6210169n\",\"12534785\",\"14.9s\"],\"object\":"
                + "{\"kind\":\"PartialObjectMetadata\""), r.body());
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", "X-Remote-User", "admin", "X-Remote-Group", "system:masters",
                "Accept", "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, */*");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), "no protobuf Table: JSON");
        r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes/node1", "X-Remote-User", "admin", "X-Remote-Group", "system:masters",
                "Accept", "application/yaml");
        assertEquals("application/yaml", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().startsWith("kind: \"NodeMetrics\"\n"), r.body());
    }

    @Test
    void protobufListsAndGetsDecodeWithTheKubernetesSchema() throws Exception {
        HttpResponse<byte[]> r = frontProxy.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb"))
                .header("X-Remote-User", "admin").header("X-Remote-Group", "system:masters")
                .header("Accept", "application/vnd.kubernetes.protobuf, */*").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/vnd.kubernetes.protobuf", r.headers().firstValue("Content-Type").orElse(""));
        io.kma.metrics.api.wire.MetricsWire.Unknown u = ProtobufWireTest.envelope(r.body());
        assertEquals("PodMetricsList", u.getTypeMeta().getKind());
        io.kma.metrics.api.wire.MetricsWire.PodMetricsList pods =
                io.kma.metrics.api.wire.MetricsWire.PodMetricsList.parseFrom(u.getRaw());
        assertEquals(List.of("ns1/web-1", "ns2/web-1"), pods.getItemsList().stream()
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).toList(), "selector applied");
        assertEquals("4710169n", pods.getItems(0).getContainers(0).getUsageMap().get("cpu").getString());
        assertEquals("sidecar", pods.getItems(0).getContainers(1).getName());

        r = frontProxy.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/apis/metrics.k8s.io/v1beta1/nodes/node1"))
                .header("X-Remote-User", "admin").header("X-Remote-Group", "system:masters")
                .header("Accept", "application/vnd.kubernetes.protobuf,application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        u = ProtobufWireTest.envelope(r.body());
        assertEquals("NodeMetrics", u.getTypeMeta().getKind());
        io.kma.metrics.api.wire.MetricsWire.NodeMetrics node = io.kma.metrics.api.wire.MetricsWire.NodeMetrics.parseFrom(u.getRaw());
        assertEquals("node1", node.getMetadata().getName());
        assertEquals("179554087n", node.getUsageMap().get("cpu").getString());
        assertEquals("a", node.getMetadata().getLabelsMap().get("zone"));

        HttpResponse<String> missing = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods/starting",
                "X-Remote-User", "admin", "X-Remote-Group", "system:masters", "Accept", "application/vnd.kubernetes.protobuf, */*");
        assertEquals(404, missing.statusCode());
        assertEquals("application/json", missing.headers().firstValue("Content-Type").orElse(""), "Status stays JSON");
    }

    @Test
    void selfMetricsNeedAuthorizationAndCountFreshness() throws Exception {
        services.sources.add(out -> out.append("# HELP kma_test_total Test.\n# TYPE kma_test_total counter\nkma_test_total 3\n"));
        get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN); // two items, each 4 s old
        HttpResponse<String> r = get(frontProxy, "/metrics", "X-Remote-User", "prometheus");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().startsWith("# HELP kma_test_total Test.\n"), r.body());
        assertTrue(r.body().contains("# HELP metrics_server_api_metric_freshness_seconds [ALPHA] Freshness of metrics exported\n"
                + "# TYPE metrics_server_api_metric_freshness_seconds histogram\n"), r.body());
        assertTrue(r.body().contains("metrics_server_api_metric_freshness_seconds_bucket{le=\"+Inf\"} 2\n"), r.body());
        assertTrue(r.body().contains("metrics_server_api_metric_freshness_seconds_count 2\n"), r.body());
        assertEquals(new AccessRequest(new UserInfo("prometheus", "", List.of("system:authenticated"), Map.of()),
                "get", "", "", null, "", "", "/metrics"), access.requests.get(0));
    }

    @Test
    void missingStoreIs503AndOpenApiIsServed() throws Exception {
        services.store = null;
        HttpResponse<String> r = get(frontProxy, "/apis/metrics.k8s.io/v1beta1/nodes", ADMIN);
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("\"reason\":\"ServiceUnavailable\",\"code\":503}"), r.body());
        r = get(frontProxy, "/openapi/v2", "X-Remote-User", "system:aggregator", "Accept", "application/json");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("{\"swagger\":\"2.0\",\"info\":{\"title\":\"Kubernetes metrics-server\",\"version\":\"v0.1.0\"}"),
                r.body().substring(0, 100));
        for (String def : List.of("NodeMetrics", "NodeMetricsList", "PodMetrics", "PodMetricsList", "ContainerMetrics")) {
            assertTrue(r.body().contains("\"io.k8s.metrics.pkg.apis.metrics.v1beta1." + def + "\":{"), def);
        }
        String etag = r.headers().firstValue("ETag").orElse("");
        assertEquals(130, etag.length(), etag);
        assertEquals(304, get(frontProxy, "/openapi/v2", "X-Remote-User", "system:aggregator", "If-None-Match", etag).statusCode());
        r = get(frontProxy, "/openapi/v3", ADMIN);
        assertTrue(r.body().startsWith("{\"paths\":{\"apis/metrics.k8s.io/v1beta1\":{\"serverRelativeURL\":\"/openapi/v3/apis/metrics.k8s.io/v1beta1?hash="), r.body());
        r = get(frontProxy, "/openapi/v3/apis/metrics.k8s.io/v1beta1", ADMIN);
        assertTrue(r.body().startsWith("{\"openapi\":\"3.0.0\""), r.body());
        r = get(frontProxy, "/version", ADMIN);
        assertTrue(r.body().contains("\"gitVersion\": \"v0.1.0-SNAPSHOT\""), r.body());
    }

    @Test
    void requestHeaderSettingsFromTheConfigMapWhenNoFileIsConfigured() throws Exception {
        install(new ApiSettings(LabelSelector.everything(), "", List.of(), List.of(), List.of(), List.of(), 10_000, false,
                10_000, 10_000, List.of()));
        assertEquals(401, get(frontProxy, "/apis/metrics.k8s.io/v1beta1", ADMIN).statusCode(), "ConfigMap not read yet");
        services.configMap = java.util.Optional.of(new io.kma.api.auth.RequestHeaderSettings(frontProxyCa.certPem(),
                List.of("front-proxy-client"), List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), null));
        assertEquals(200, get(frontProxy, "/apis/metrics.k8s.io/v1beta1", ADMIN).statusCode());
        assertEquals(401, get(intruder, "/apis/metrics.k8s.io/v1beta1", ADMIN).statusCode());
    }

    @Test
    void largePodListIsStreamedInChunks() throws Exception {
        int count = Integer.getInteger("kma.measure.httpPods", 2_000);
        for (int i = 0; i < count; i++) {
            pod("bulk-" + (i / 70), "pod-" + i, Map.of("app", "bulk"), true);
        }
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = frontProxy.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + "/apis/metrics.k8s.io/v1beta1/pods"))
                .header("X-Remote-User", "admin").header("X-Remote-Group", "system:masters")
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (java.io.InputStream in = r.body()) {
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                bytes += n;
            }
        }
        System.out.printf("GET /apis/metrics.k8s.io/v1beta1/pods over HTTPS: %d pods, %d bytes in %.1f ms%n",
                count + 3, bytes, (System.nanoTime() - t0) / 1e6);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Length").isEmpty(), "streamed, not buffered: no Content-Length");
        assertTrue(bytes > 300L * count, "all pods arrived: " + bytes);
    }

    @Test
    void largePodListsAreGzippedWhenTheClientAsksAsKubeApiserverDoes() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            pod("bulk-" + (i / 70), "pod-" + i, Map.of("app", "bulk"), true);
        }
        for (String accept : List.of("application/json", "application/vnd.kubernetes.protobuf, */*")) {
            HttpResponse<byte[]> plain = bytes("/apis/metrics.k8s.io/v1beta1/pods", "Accept", accept);
            HttpResponse<byte[]> gzipped = bytes("/apis/metrics.k8s.io/v1beta1/pods", "Accept", accept,
                    "Accept-Encoding", "deflate, gzip");
            assertEquals(200, gzipped.statusCode());
            assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty(), accept);
            assertTrue(plain.body().length > CompressibleBody.THRESHOLD, "large enough to compress: " + plain.body().length);
            assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""), accept);
            assertEquals("Accept-Encoding", gzipped.headers().firstValue("Vary").orElse(""));
            assertEquals(plain.headers().firstValue("Content-Type"), gzipped.headers().firstValue("Content-Type"));
            assertTrue(gzipped.body().length * 4 < plain.body().length, "compressed: " + gzipped.body().length);
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
                assertArrayEquals(plain.body(), in.readAllBytes(), "the same body, " + accept);
            }
        }
        // a small list (one namespace, under upstream's 128 KiB threshold) and a refusal are sent as they are
        HttpResponse<byte[]> small = bytes("/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods", "Accept-Encoding", "gzip");
        assertTrue(small.headers().firstValue("Content-Encoding").isEmpty());
        assertTrue(new String(small.body(), java.nio.charset.StandardCharsets.UTF_8).startsWith("{\"kind\":\"PodMetricsList\""));
        HttpResponse<byte[]> refused = bytes("/apis/metrics.k8s.io/v1beta1/pods", "Accept-Encoding", "gzip;q=0");
        assertTrue(refused.headers().firstValue("Content-Encoding").isEmpty(), "gzip;q=0 is not gzip (upstream reads tokens)");
    }

    private static HttpResponse<byte[]> bytes(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("X-Remote-User", "admin").header("X-Remote-Group", "system:masters").timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return frontProxy.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void clientCertificateFromTheClusterCaAuthenticatesItsSubject() throws Exception {
        TestPki.Issued clusterCa = TestPki.ca("kubernetes");
        HttpClient alice = client(TestPki.client(clusterCa, "CN=alice,O=devs,O=qa"));
        assertEquals(401, get(alice, "/apis/metrics.k8s.io/v1beta1/nodes").statusCode(), "client CA not known yet");
        services.configMap = java.util.Optional.of(new io.kma.api.auth.RequestHeaderSettings(frontProxyCa.certPem(),
                List.of("front-proxy-client"), List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"),
                clusterCa.certPem()));
        assertEquals(200, get(alice, "/apis/metrics.k8s.io/v1beta1/nodes", "X-Remote-User", "admin",
                "X-Remote-Group", "system:masters").statusCode());
        assertEquals(new UserInfo("alice", "", List.of("devs", "qa", "system:authenticated"), Map.of()),
                access.requests.get(0).user(), "CN and O from the certificate; the forged headers are ignored");
    }

    @Test
    void beforeTheFirstScrapeResourcesAre503WithAStatusThatSaysWhy() throws Exception {
        store.ready = false;
        for (String path : List.of("/apis/metrics.k8s.io/v1beta1/nodes", "/apis/metrics.k8s.io/v1beta1/namespaces/ns1/pods/web-1")) {
            HttpResponse<String> r = get(frontProxy, path, ADMIN);
            assertEquals(503, r.statusCode(), path);
            assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                    + MetricsApiHandler.NOT_READY + "\",\"reason\":\"ServiceUnavailable\",\"code\":503}\n", r.body());
        }
        assertEquals(200, get(frontProxy, "/apis/metrics.k8s.io/v1beta1", ADMIN).statusCode(), "discovery serves at once");
    }
}
