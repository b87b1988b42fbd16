package io.kma.kube.client.internal;

import static io.kma.kube.client.internal.FakeApiServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.doctor.Finding;
import io.kma.api.doctor.Finding.Verdict;
import io.kma.testsupport.JdkTlsMaterials;

/** The doctor's kube-apiserver checks against the fake apiserver over real TLS. */
class ApiServerDiagnosisTest {

    static ApiServerPki pki;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> CHECKS = List.of(ApiServerDiagnosis.KUBECONFIG, ApiServerDiagnosis.APISERVER,
            ApiServerDiagnosis.RBAC, ApiServerDiagnosis.APISERVICE);

    @TempDir
    Path dir;

    private FakeApiServer server;
    private ApiConnection connection;
    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = ApiServerPki.create();
    }

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.deactivate();
        }
        if (server != null) {
            server.close();
        }
        if (silent != null) {
            silent.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    // ---- fixtures -------------------------------------------------------------------------------

    private void startServer() throws Exception {
        server = new FakeApiServer(pki, 0);
        server.on("/version", (ex, r) -> json(ex, 200,
                "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.2\",\"platform\":\"linux/amd64\"}"));
        allowAllExcept();
        server.on(RbacCheck.SELF_SUBJECT_REVIEW_PATH, (ex, r) -> json(ex, 201,
                "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":{\"userInfo\":"
                        + "{\"username\":\"system:kube-metrics-appliance\",\"groups\":[\"system:authenticated\"]}}}"));
        apiService("{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"Passed\",\"message\":\"all checks passed\"}");
    }

    /** SelfSubjectAccessReviews: allowed, except those whose resourceAttributes contain every given fragment. */
    private void allowAllExcept(String... deniedFragments) {
        server.on(AccessReviews.SELF_PATH, (ex, r) -> {
            JsonNode ra = MAPPER.readTree(r.body()).path("spec").path("resourceAttributes");
            boolean denied = deniedFragments.length > 0;
            for (String f : deniedFragments) {
                denied &= ra.toString().contains(f);
            }
            json(ex, 201, "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{"
                    + "\"resourceAttributes\":" + ra + "},\"status\":{\"allowed\":" + !denied + "}}");
        });
    }

    private void apiService(String... conditions) {
        server.on(ApiServiceCheck.APISERVICE_PATH, (ex, r) -> json(ex, 200, "{\"kind\":\"APIService\","
                + "\"apiVersion\":\"apiregistration.k8s.io/v1\",\"metadata\":{\"name\":\"v1beta1.metrics.k8s.io\"},"
                + "\"spec\":{\"service\":{\"namespace\":\"kube-system\",\"name\":\"metrics-server\",\"port\":443},"
                + "\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\",\"insecureSkipTLSVerify\":true,"
                + "\"groupPriorityMinimum\":100,\"versionPriority\":100},\"status\":{\"conditions\":["
                + String.join(",", conditions) + "]}}"));
    }

    private ApiServerDiagnosis diagnosis(Path kubeconfig, boolean withTls) {
        connection = new ApiConnection();
        if (withTls) {
            connection.bindTls(new JdkTlsMaterials());
        }
        connection.activate(ComponentsTest.config(kubeconfig));
        ApiServerDiagnosis d = new ApiServerDiagnosis();
        d.connection = connection;
        d.kubeconfigWait = Duration.ofSeconds(5);
        d.requestTimeout = Duration.ofSeconds(5);
        return d;
    }

    private ApiServerDiagnosis diagnosis() throws Exception {
        return diagnosis(TestClients.kubeconfig(dir, pki, server.url(), true, null), true);
    }

    private static List<Finding> examine(ApiServerDiagnosis d) throws InterruptedException {
        List<Finding> out = new ArrayList<>();
        d.examine(out::add);
        assertEquals(CHECKS, out.stream().map(Finding::check).toList(), out.toString());
        for (Finding f : out) {
            boolean needsFix = f.verdict() == Verdict.WARN || f.verdict() == Verdict.FAIL;
            assertEquals(needsFix, f.fix() != null, f.toString());
            assertFalse(f.detail().contains("BEGIN") || f.detail().contains("Exception") || f.detail().endsWith("."),
                    f.toString());
        }
        return out;
    }

    private static void assertSkipped(List<Finding> findings, int from, String why) {
        for (Finding f : findings.subList(from, findings.size())) {
            assertEquals(Finding.skip(f.check(), why), f);
        }
    }

    // ---- tests ----------------------------------------------------------------------------------

    @Test
    void allOk() throws Exception {
        startServer();
        List<Finding> f = examine(diagnosis());

        assertEquals(List.of(Verdict.OK, Verdict.OK, Verdict.OK, Verdict.OK), f.stream().map(Finding::verdict).toList(),
                f.toString());
        assertEquals(dir.resolve("kubeconfig") + ", server " + server.url() + ", client certificate CN metrics-appliance ("
                + dir.resolve("client.crt") + ")", f.get(0).detail());
        assertEquals(server.url() + " answers, Kubernetes v1.31.2", f.get(1).detail());
        assertTrue(f.get(2).detail().startsWith("user system:kube-metrics-appliance may list/watch nodes and pods"),
                f.get(2).detail());
        assertEquals("Available (kube-system/metrics-server:443)", f.get(3).detail());

        // One review per permission, with the attributes kube-apiserver's RBAC authorizer matches on.
        List<String> reviews = new ArrayList<>();
        for (FakeApiServer.Request r : server.requestsTo(AccessReviews.SELF_PATH)) {
            JsonNode body = MAPPER.readTree(r.body());
            assertEquals("SelfSubjectAccessReview", body.path("kind").asText());
            JsonNode ra = body.path("spec").path("resourceAttributes");
            reviews.add(String.join(" ", ra.path("verb").asText(), ra.path("group").asText(), ra.path("resource").asText(),
                    ra.path("subresource").asText(), ra.path("namespace").asText(), ra.path("name").asText()).strip());
        }
        assertEquals(List.of("list  nodes", "watch  nodes", "list  pods", "watch  pods", "get  nodes metrics",
                "create authentication.k8s.io tokenreviews", "create authorization.k8s.io subjectaccessreviews",
                "get  configmaps  kube-system extension-apiserver-authentication"), reviews);
    }

    @Test
    void administratorCertificateFailsWithTheIdentityCommandAsTheFix() throws Exception {
        ApiServerPki admin = ApiServerPki.create("CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins");
        server = new FakeApiServer(admin, 0);
        List<Finding> f = examine(diagnosis(TestClients.kubeconfig(dir, admin, server.url(), true, null), true));
        assertEquals(Verdict.FAIL, f.get(0).verdict(), f.toString());
        assertTrue(f.get(0).detail().contains("is a cluster administrator (O=kubeadm:cluster-admins)"), f.get(0).detail());
        assertTrue(f.get(0).fix().startsWith("give the appliance its own least-privilege identity instead: sudo "
                + "kube-metrics-appliance identity --approve"), f.get(0).fix());
    }

    @Test
    void missingKubeconfigFailsAndSkipsTheRest() throws Exception {
        Path missing = dir.resolve("etc/kubeconfig");
        List<Finding> f = examine(diagnosis(missing, true));

        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertEquals(missing + ": file does not exist", f.get(0).detail());
        assertEquals("obtain the appliance's identity: sudo kube-metrics-appliance identity --approve (writes "
                + "/etc/kube-metrics-appliance/identity/kubeconfig for the user system:kube-metrics-appliance); "
                + "config.yaml's kubeconfig: names " + missing, f.get(0).fix());
        assertSkipped(f, 1, "needs a working kubeconfig");
    }

    @Test
    void missingTlsServiceIsReportedAfterTheWait() throws Exception {
        ApiServerDiagnosis d = diagnosis(TestClients.kubeconfig(dir, pki, "https://127.0.0.1:1", true, null), false);
        d.kubeconfigWait = Duration.ofMillis(300);
        List<Finding> f = examine(d);
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertTrue(f.get(0).detail().endsWith("the TlsMaterials service (bundle io.kma.tls) is not available"),
                f.get(0).detail());
        assertTrue(f.get(0).fix().contains("io.kma.tls"), f.get(0).fix());
        assertSkipped(f, 1, "needs a working kubeconfig");
    }

    @Test
    void insecureSkipTlsVerifyWarns() throws Exception {
        startServer();
        Path kc = TestClients.kubeconfig(dir, pki, server.url(), false, null);
        Files.writeString(kc, Files.readString(kc).replace("certificate-authority: ca.crt", "insecure-skip-tls-verify: true"));
        List<Finding> f = examine(diagnosis(kc, true));
        assertEquals(Verdict.WARN, f.get(0).verdict());
        assertTrue(f.get(0).detail().endsWith("; insecure-skip-tls-verify: kube-apiserver's certificate is not verified"),
                f.get(0).detail());
        assertEquals("set certificate-authority-data to the cluster CA (/etc/kubernetes/pki/ca.crt) instead of "
                + "insecure-skip-tls-verify", f.get(0).fix());
        assertEquals(Verdict.OK, f.get(1).verdict());
    }

    @Test
    void refusedConnectionFailsWithReachabilityFix() throws Exception {
        startServer();
        String url = server.url();
        server.close();
        server = null;
        List<Finding> f = examine(diagnosis(TestClients.kubeconfig(dir, pki, url, true, null), true));
        assertEquals(Verdict.OK, f.get(0).verdict());
        assertEquals(Verdict.FAIL, f.get(1).verdict());
        assertEquals("GET /version: connection to " + url + " refused", f.get(1).detail());
        assertEquals("is kube-apiserver running and reachable from this host at " + url
                + "? check the kubeconfig's server:", f.get(1).fix());
        assertSkipped(f, 2, "needs kube-apiserver");
    }

    @Test
    void silentServerIsBoundedByTheTimeout() throws Exception {
        silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (Exception e) {
                // closed
            }
        }, "silent-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        String url = "https://127.0.0.1:" + silent.getLocalPort();
        ApiServerDiagnosis d = diagnosis(TestClients.kubeconfig(dir, pki, url, true, null), true);
        d.requestTimeout = Duration.ofSeconds(1);
        long t0 = System.nanoTime();
        List<Finding> f = examine(d);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 5_000, millis + " ms");
        assertEquals(Finding.fail(ApiServerDiagnosis.APISERVER, "GET /version: no answer from " + url + " within 1 s",
                "is kube-apiserver running and reachable from this host at " + url + "? check the kubeconfig's server:"),
                f.get(1));
        assertSkipped(f, 2, "needs kube-apiserver");
    }

    @Test
    void untrustedServerCertificateNamesTheCa() throws Exception {
        startServer();
        ApiServerPki other = ApiServerPki.create();
        List<Finding> f = examine(diagnosis(TestClients.kubeconfig(dir, other, server.url(), true, null), true));
        assertEquals(Verdict.FAIL, f.get(1).verdict());
        assertTrue(f.get(1).detail().startsWith("GET /version: kube-apiserver's certificate is not trusted"),
                f.get(1).detail());
        assertEquals(RequestProblem.FIX_CA, f.get(1).fix());
        assertTrue(f.get(1).fix().endsWith("on kubeadm /etc/kubernetes/pki/ca.crt"));
    }

    @Test
    void unauthorizedNamesTheCredential() throws Exception {
        startServer();
        server.on("/version", (ex, r) -> json(ex, 401, FakeApiServer.status(401, "Unauthorized", "Unauthorized")));
        List<Finding> f = examine(diagnosis());
        assertEquals(Finding.fail(ApiServerDiagnosis.APISERVER, "GET /version: kube-apiserver answered 401: Unauthorized",
                "kube-apiserver does not accept the kubeconfig's credential: the client certificate must be signed by "
                        + "the cluster CA (sudo kube-metrics-appliance identity --approve obtains one for "
                        + "system:kube-metrics-appliance), or the token must be valid"), f.get(1));
        assertSkipped(f, 2, "needs kube-apiserver");
    }

    @Test
    void deniedPermissionIsNamed() throws Exception {
        startServer();
        server.on(RbacCheck.SELF_SUBJECT_REVIEW_PATH, (ex, r) -> json(ex, 404,
                FakeApiServer.status(404, "NotFound", "the server could not find the requested resource")));
        allowAllExcept("\"verb\":\"get\"", "\"subresource\":\"metrics\"");
        List<Finding> f = examine(diagnosis());
        assertEquals(Finding.fail(ApiServerDiagnosis.RBAC, "the kubeconfig's user may not get nodes/metrics",
                "apply the RBAC from: kube-metrics-appliance manifests --hosts <control-plane host names> | kubectl "
                        + "apply -f - (ClusterRole and ClusterRoleBinding system:kube-metrics-appliance, ClusterRoleBinding "
                        + "to system:auth-delegator, RoleBinding to extension-apiserver-authentication-reader in kube-system)"),
                f.get(2));
        // The APIService is still checked.
        assertEquals(Verdict.OK, f.get(3).verdict());
    }

    @Test
    void deniedForAnotherUserSaysWhoToBe() throws Exception {
        startServer();
        server.on(RbacCheck.SELF_SUBJECT_REVIEW_PATH, (ex, r) -> json(ex, 201,
                "{\"status\":{\"userInfo\":{\"username\":\"metrics-appliance\"}}}"));
        allowAllExcept("\"resource\":\"configmaps\"");
        List<Finding> f = examine(diagnosis());
        assertEquals(Verdict.FAIL, f.get(2).verdict());
        assertEquals("user metrics-appliance may not get configmap kube-system/extension-apiserver-authentication "
                + "(the manifests' RBAC is for the user system:kube-metrics-appliance)", f.get(2).detail());
        assertTrue(f.get(2).fix().startsWith("authenticate as system:kube-metrics-appliance (sudo kube-metrics-appliance identity"),
                f.get(2).fix());
    }

    @Test
    void forbiddenSelfSubjectAccessReviewFails() throws Exception {
        startServer();
        server.on(AccessReviews.SELF_PATH, (ex, r) -> json(ex, 403, FakeApiServer.status(403, "Forbidden",
                "selfsubjectaccessreviews.authorization.k8s.io is forbidden: User \\\"system:anonymous\\\" cannot create")));
        List<Finding> f = examine(diagnosis());
        assertEquals(Verdict.FAIL, f.get(2).verdict());
        assertTrue(f.get(2).detail().startsWith("SelfSubjectAccessReview refused: kube-apiserver answered 403: "
                + "selfsubjectaccessreviews.authorization.k8s.io is forbidden"), f.get(2).detail());
        assertEquals(1, server.requestsTo(AccessReviews.SELF_PATH).size());
    }

    @Test
    void apiServiceNotRegistered() throws Exception {
        startServer();
        server.on(ApiServiceCheck.APISERVICE_PATH, (ex, r) -> json(ex, 404, FakeApiServer.status(404, "NotFound",
                "apiservices.apiregistration.k8s.io \\\"v1beta1.metrics.k8s.io\\\" not found")));
        List<Finding> f = examine(diagnosis());
        assertEquals(Finding.fail(ApiServerDiagnosis.APISERVICE, "not registered",
                "kube-metrics-appliance manifests --hosts <control-plane host names> | kubectl apply -f -"), f.get(3));
    }

    @Test
    void apiServiceNotReadable() throws Exception {
        startServer();
        server.on(ApiServiceCheck.APISERVICE_PATH, (ex, r) -> json(ex, 403, FakeApiServer.status(403, "Forbidden",
                "forbidden")));
        List<Finding> f = examine(diagnosis());
        assertEquals(Verdict.WARN, f.get(3).verdict());
        assertEquals("the appliance's user may not read it", f.get(3).detail());
        assertEquals(ApiServiceCheck.FIX_APISERVICE_FORBIDDEN, f.get(3).fix());
    }

    @Test
    void apiServiceUnreachable() throws Exception {
        startServer();
        String message = "failing or missing response from https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1: Get "
                + "\\\"https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1\\\": dial tcp 10.0.0.1:4443: connect: connection refused";
        apiService("{\"type\":\"Available\",\"status\":\"False\",\"reason\":\"FailedDiscoveryCheck\",\"message\":\""
                + message + "\"}");
        List<Finding> f = examine(diagnosis());
        assertEquals(Verdict.FAIL, f.get(3).verdict());
        assertEquals("Available False: FailedDiscoveryCheck: " + message.replace("\\\"", "\""), f.get(3).detail());
        assertTrue(f.get(3).fix().startsWith("kube-apiserver cannot reach the appliance: check that it runs on every "
                + "control-plane host (systemctl status kube-metrics-appliance)"), f.get(3).fix());
    }

    @Test
    void apiServiceWithoutAvailableCondition() throws Exception {
        startServer();
        apiService();
        List<Finding> f = examine(diagnosis());
        assertEquals(Verdict.FAIL, f.get(3).verdict());
        assertEquals("no Available condition yet", f.get(3).detail());
    }

    @Test
    void discoveryFixesByReasonAndMessage() {
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_UNREACHABLE, ApiServiceCheck.discoveryFix("FailedDiscoveryCheck",
                "Get \"https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1\": context deadline exceeded"));
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_CERTIFICATE, ApiServiceCheck.discoveryFix("FailedDiscoveryCheck",
                "Get \"https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1\": tls: failed to verify certificate: "
                        + "x509: certificate signed by unknown authority"));
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_AUTH, ApiServiceCheck.discoveryFix("FailedDiscoveryCheck",
                "failing or missing response from https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1: bad status from "
                        + "https://10.0.0.1:4443/apis/metrics.k8s.io/v1beta1: 401"));
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_SERVICE, ApiServiceCheck.discoveryFix("ServiceNotFound",
                "service/metrics-server in \"kube-system\" is not present"));
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_SERVICE, ApiServiceCheck.discoveryFix("MissingEndpoints",
                "endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\""));
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_OTHER, ApiServiceCheck.discoveryFix("Odd", "something else"));
        // the cluster simulator's aggregator words a refused connection the Java way
        assertEquals(ApiServiceCheck.FIX_DISCOVERY_UNREACHABLE, ApiServiceCheck.discoveryFix("FailedDiscoveryCheck",
                "failing or missing response from https://127.0.0.1:4443/apis/metrics.k8s.io/v1beta1: java.net.ConnectException"));
        assertNull(Finding.ok("x", "y").fix());
    }
}
