package io.kma.kube.client.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.util.Timeout;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.auth.AccessReviewer.Decision;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;

/**
 * The doctor's kube-apiserver checks: the kubeconfig, kube-apiserver's answer to {@code /version}, the RBAC the
 * appliance needs (SelfSubjectAccessReviews), and the APIService {@code v1beta1.metrics.k8s.io}. Uses the
 * bundle's own {@link ApiConnection}; every request is bounded by {@link #requestTimeout}, so that a run takes at
 * most about 40 s.
 */
@Component(service = Diagnosis.class, property = {Diagnosis.NAME + "=kube-apiserver", Diagnosis.ORDER + ":Integer=20"})
public final class ApiServerDiagnosis implements Diagnosis {

    static final String KUBECONFIG = "kubeconfig";
    static final String APISERVER = "kube-apiserver";
    static final String RBAC = "RBAC";
    static final String APISERVICE = "APIService v1beta1.metrics.k8s.io";

    static final String APISERVICE_PATH = "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io";
    static final String SELF_SUBJECT_REVIEW_PATH = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

    /** The user the manifests' RBAC is bound to. */
    static final String USER = "system:kube-metrics-appliance";
    static final String MANIFESTS = "kube-metrics-appliance manifests --advertise-address <control-plane IPs> | kubectl apply -f -";

    static final String FIX_RBAC = "apply the RBAC from: " + MANIFESTS + " (ClusterRole and ClusterRoleBinding "
            + USER + ", ClusterRoleBinding to system:auth-delegator, RoleBinding to "
            + "extension-apiserver-authentication-reader in kube-system)";
    static final String FIX_CA = "the kubeconfig's certificate-authority(-data) must be the CA that signed "
            + "kube-apiserver's serving certificate, on kubeadm /etc/kubernetes/pki/ca.crt";
    static final String FIX_CREDENTIAL = "kube-apiserver does not accept the kubeconfig's credential: the client "
            + "certificate must be signed by the cluster CA (kubeadm kubeconfig user --client-name " + USER
            + "), or the token must be valid";
    static final String FIX_INSECURE = "set certificate-authority-data to the cluster CA (/etc/kubernetes/pki/ca.crt) "
            + "instead of insecure-skip-tls-verify";
    static final String FIX_DISCOVERY_UNREACHABLE = "kube-apiserver cannot reach the appliance: check that it runs on "
            + "every control-plane host (systemctl status kube-metrics-appliance), that the Endpoints/EndpointSlice "
            + "metrics-server in kube-system list these hosts' IPs and securePort, that kube-apiserver runs with "
            + "--enable-aggregator-routing=true, and that the firewall allows the port";
    static final String FIX_DISCOVERY_CERTIFICATE = "the APIService's caBundle must sign the appliance's serving "
            + "certificate (manifests --ca-bundle FILE; the certificate needs the SAN metrics-server.kube-system.svc), "
            + "or set insecureSkipTLSVerify: true";
    static final String FIX_DISCOVERY_AUTH = "the appliance rejected kube-apiserver's front-proxy client: set "
            + "authentication.requestheaderClientCAFile to kube-apiserver's --requestheader-client-ca-file and include "
            + "the CN of its --proxy-client-cert-file in authentication.requestheaderAllowedNames (or leave the list empty)";
    static final String FIX_DISCOVERY_SERVICE = "apply the Service and Endpoints from kube-metrics-appliance manifests "
            + "--advertise-address <control-plane IPs>";
    static final String FIX_DISCOVERY_OTHER = "see kubectl describe apiservice v1beta1.metrics.k8s.io and the "
            + "appliance's log (journalctl -u kube-metrics-appliance)";
    static final String FIX_APISERVICE_FORBIDDEN = "check it as an admin: kubectl get apiservice v1beta1.metrics.k8s.io; "
            + "or apply the RBAC from kube-metrics-appliance manifests, which lets the appliance read this one APIService";

    private static final Pattern UNREACHABLE = Pattern.compile(
            "connection refused|no route|timeout|timed out|deadline|dial tcp|i/o timeout|ConnectException|unreachable", Pattern.CASE_INSENSITIVE);
    private static final Pattern CERTIFICATE = Pattern.compile("x509|certificate", Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTH = Pattern.compile("\\b401\\b|\\b403\\b|unauthorized|forbidden",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_MESSAGE = 300;
    private static final Pattern CLASS_PREFIX = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ");

    /** One permission the appliance needs. */
    record Permission(String label, String verb, String group, String resource, String subresource,
            String namespace, String name) {
    }

    static final List<Permission> PERMISSIONS = List.of(
            new Permission("list nodes", "list", "", "nodes", "", "", ""),
            new Permission("watch nodes", "watch", "", "nodes", "", "", ""),
            new Permission("list pods (all namespaces)", "list", "", "pods", "", "", ""),
            new Permission("watch pods (all namespaces)", "watch", "", "pods", "", "", ""),
            new Permission("get nodes/metrics", "get", "", "nodes", "metrics", "", ""),
            new Permission("create tokenreviews", "create", "authentication.k8s.io", "tokenreviews", "", "", ""),
            new Permission("create subjectaccessreviews", "create", "authorization.k8s.io", "subjectaccessreviews", "",
                    "", ""),
            new Permission("get configmap kube-system/extension-apiserver-authentication", "get", "", "configmaps", "",
                    "kube-system", "extension-apiserver-authentication"));

    @Reference
    ApiConnection connection;

    /** How long to wait for ApiConnection to load the kubeconfig; shorter in tests. */
    Duration kubeconfigWait = Duration.ofSeconds(10);
    /** Bound of each network step (the version request, all RBAC reviews together, the APIService). */
    Duration requestTimeout = Duration.ofSeconds(10);

    @Override
    public void examine(Consumer<Finding> report) throws InterruptedException {
        ApiClient client = awaitClient();
        if (client == null) {
            report.accept(kubeconfigFailure());
            skip(report, "needs a working kubeconfig", APISERVER, RBAC, APISERVICE);
            return;
        }
        Kubeconfig kc = client.kubeconfig();
        report.accept(kubeconfig(kc));
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kma-kube-client-doctor");
            t.setDaemon(true);
            return t;
        });
        try {
            Calls calls = new Calls(client, workers);
            Finding apiserver = apiServer(calls, kc);
            report.accept(apiserver);
            if (apiserver.verdict() == Finding.Verdict.FAIL) {
                skip(report, "needs kube-apiserver", RBAC, APISERVICE);
                return;
            }
            report.accept(rbac(calls, kc));
            report.accept(apiService(calls, kc));
        } finally {
            workers.shutdownNow();
        }
    }

    private static void skip(Consumer<Finding> report, String why, String... checks) {
        for (String c : checks) {
            report.accept(Finding.skip(c, why));
        }
    }

    // ---- 1. kubeconfig ------------------------------------------------------------------------

    /** The client once loading has come to a result, or null when there is none within the wait. */
    private ApiClient awaitClient() throws InterruptedException {
        long deadline = System.nanoTime() + kubeconfigWait.toNanos();
        while (true) {
            ApiClient c = connection.client();
            if (c != null) {
                return c;
            }
            if (connection.settled() || System.nanoTime() - deadline >= 0) {
                return connection.client();
            }
            Thread.sleep(100);
        }
    }

    private Finding kubeconfigFailure() {
        String error = connection.error();
        Path path = connection.configuredPath();
        if (error == null || ApiConnection.NOT_LOADED.equals(error)) {
            error = "not loaded within " + seconds(kubeconfigWait) + " s";
        }
        String fix;
        if (connection.waitingForService()) {
            fix = "install and start the bundle io.kma.tls (it reads the kubeconfig's certificates)";
        } else if (path == null) {
            fix = "set kubeconfig: in config.yaml to the path of the appliance's kubeconfig";
        } else {
            fix = "write a kubeconfig for the user " + USER + " to " + path + " (on kubeadm: kubeadm kubeconfig user "
                    + "--client-name " + USER + " > " + path + "), or set kubeconfig: in config.yaml";
        }
        return Finding.fail(KUBECONFIG, error, fix);
    }

    private static Finding kubeconfig(Kubeconfig kc) {
        StringBuilder detail = new StringBuilder().append(kc.path()).append(", server ").append(kc.server());
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<String> credentials = new ArrayList<>();
        if (kc.clientCertificate() != null) {
            PemSource source = kc.clientCertificate();
            X509Certificate cert = certificate(source);
            String where = source.isFile() ? " (" + source.file() + ")" : "";
            if (cert == null) {
                credentials.add("client certificate" + where);
            } else {
                credentials.add("client certificate CN " + commonName(cert) + where);
                if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
                    problems.add("the client certificate expired on " + cert.getNotAfter().toInstant());
                    fixes.add("renew it: kubeadm kubeconfig user --client-name " + commonName(cert) + " > "
                            + kc.path());
                }
            }
        }
        if (kc.tokenFile() != null) {
            credentials.add("bearer token file " + kc.tokenFile());
        } else if (kc.token() != null) {
            credentials.add("inline bearer token");
        }
        if (credentials.isEmpty()) {
            detail.append(", no credentials");
            problems.add("requests are anonymous");
            fixes.add("give the kubeconfig's user a client certificate (kubeadm kubeconfig user --client-name " + USER
                    + " > " + kc.path() + ")");
        } else {
            detail.append(", ").append(String.join(" and ", credentials));
        }
        if (kc.insecureSkipTlsVerify()) {
            problems.add("insecure-skip-tls-verify: kube-apiserver's certificate is not verified");
            fixes.add(FIX_INSECURE);
        }
        if (problems.isEmpty()) {
            return Finding.ok(KUBECONFIG, detail.toString());
        }
        return Finding.warn(KUBECONFIG, detail + "; " + String.join("; ", problems), String.join("; ", fixes));
    }

    /** The first certificate of the kubeconfig's client certificate, or null when it cannot be read here. */
    private static X509Certificate certificate(PemSource source) {
        try {
            String pem = source.isFile() ? Files.readString(source.file(), StandardCharsets.US_ASCII) : source.pem();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | java.security.cert.CertificateException | RuntimeException e) {
            return null;
        }
    }

    static String commonName(X509Certificate cert) {
        String dn = cert.getSubjectX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // fall through to the whole name
        }
        return dn;
    }

    // ---- 2. kube-apiserver ----------------------------------------------------------------------

    private Finding apiServer(Calls calls, Kubeconfig kc) throws InterruptedException {
        long deadline = deadline();
        try {
            JsonNode version = calls.run(deadline, (timeout, tracker) -> calls.client.get("get", "/version", timeout, tracker));
            String git = Json.text(version, "gitVersion");
            return Finding.ok(APISERVER, kc.server() + " answers, Kubernetes " + (git == null ? "(version unknown)" : git));
        } catch (IOException e) {
            Problem p = classify(e, kc.server());
            return Finding.fail(APISERVER, "GET /version: " + p.detail, p.fix);
        }
    }

    /** What went wrong talking to kube-apiserver, and the fix. */
    record Problem(String detail, String fix) {
    }

    Problem classify(IOException e, URI server) {
        String reach = "is kube-apiserver running and reachable from this host at " + server
                + "? check the kubeconfig's server:";
        if (e instanceof ApiException a) {
            if (a.code() == 401) {
                return new Problem(short_(a.getMessage()), FIX_CREDENTIAL);
            }
            return new Problem(short_(a.getMessage()), "check kube-apiserver's log for this request, and that the "
                    + "kubeconfig's server: names kube-apiserver itself (not a proxy)");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new Problem("unknown host " + server.getHost(), reach);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String m = message(t);
                if (t instanceof ConnectException && m.toLowerCase(Locale.ROOT).contains("connection refused")) {
                    return new Problem("connection to " + server + " refused", reach);
                }
                return new Problem("cannot connect to " + server + " (" + short_(m) + ")", reach);
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return new Problem("no answer from " + server + " within " + seconds(requestTimeout) + " s", reach);
            }
            if (t instanceof SSLPeerUnverifiedException) {
                return new Problem("kube-apiserver's certificate does not name " + server.getHost() + " ("
                        + short_(message(t)) + ")", "set the kubeconfig's server: to a name or IP that kube-apiserver's "
                        + "serving certificate holds, or set tls-server-name: kubernetes (a name kubeadm puts into it)");
            }
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return new Problem("kube-apiserver's certificate is not trusted (" + short_(message(t)) + ")", FIX_CA);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                String m = message(t);
                String lower = m.toLowerCase(Locale.ROOT);
                // An alert from kube-apiserver about our certificate (ours about its certificate is caught above).
                if (lower.contains("received fatal alert") && (lower.contains("certificate") || lower.contains("unknown_ca"))) {
                    return new Problem("kube-apiserver rejected the client certificate in the TLS handshake ("
                            + short_(m) + ")", FIX_CREDENTIAL);
                }
                return new Problem("TLS handshake with " + server + " failed (" + short_(m) + ")", FIX_CA);
            }
        }
        return new Problem("request to " + server + " failed (" + short_(message(e)) + ")", reach);
    }

    // ---- 3. RBAC --------------------------------------------------------------------------------

    private Finding rbac(Calls calls, Kubeconfig kc) throws InterruptedException {
        long deadline = deadline();
        List<String> denied = new ArrayList<>();
        for (Permission p : PERMISSIONS) {
            try {
                JsonNode answer = calls.run(deadline, (timeout, tracker) -> calls.client.post(AccessReviews.SELF_PATH,
                        AccessReviews.selfRequest(calls.client, p.verb(), p.group(), p.resource(), p.subresource(),
                                p.namespace(), p.name()), timeout, tracker));
                Decision d = AccessReviews.decision(answer);
                if (!d.allowed()) {
                    denied.add(p.label());
                }
            } catch (IOException e) {
                return reviewFailure(e, kc);
            }
        }
        String user = user(calls, deadline);
        String who = user == null ? "the kubeconfig's user" : "user " + user;
        if (denied.isEmpty()) {
            return Finding.ok(RBAC, who + " may list/watch nodes and pods, get nodes/metrics, create tokenreviews and "
                    + "subjectaccessreviews, read kube-system/extension-apiserver-authentication");
        }
        String detail = who + " may not " + String.join(", ", denied);
        if (user != null && !USER.equals(user)) {
            return Finding.fail(RBAC, detail + " (the manifests' RBAC is for the user " + USER + ")",
                    "authenticate as " + USER + " (kubeadm kubeconfig user --client-name " + USER + " > " + kc.path()
                            + ") and " + FIX_RBAC);
        }
        return Finding.fail(RBAC, detail, FIX_RBAC);
    }

    private Finding reviewFailure(IOException e, Kubeconfig kc) {
        if (e instanceof ApiException a && a.code() == 403) {
            return Finding.fail(RBAC, "SelfSubjectAccessReview refused: " + short_(a.getMessage()),
                    "every authenticated user may create selfsubjectaccessreviews (ClusterRoleBinding system:basic-user): "
                            + "make the kubeconfig authenticate as " + USER + " (kubeadm kubeconfig user --client-name "
                            + USER + " > " + kc.path() + ")");
        }
        Problem p = classify(e, kc.server());
        return Finding.fail(RBAC, "SelfSubjectAccessReview failed: " + p.detail, p.fix);
    }

    /** Who the kubeconfig authenticates as (SelfSubjectReview, Kubernetes 1.28+), or null when unknown. */
    private static String user(Calls calls, long deadline) throws InterruptedException {
        try {
            JsonNode body = calls.client.mapper().createObjectNode()
                    .put("apiVersion", "authentication.k8s.io/v1").put("kind", "SelfSubjectReview");
            JsonNode answer = calls.run(deadline, (timeout, tracker) -> calls.client.post(SELF_SUBJECT_REVIEW_PATH,
                    body, timeout, tracker));
            String name = Json.text(answer.path("status").path("userInfo"), "username");
            return name == null || name.isEmpty() ? null : name;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- 4. APIService --------------------------------------------------------------------------

    private Finding apiService(Calls calls, Kubeconfig kc) throws InterruptedException {
        JsonNode svc;
        try {
            svc = calls.run(deadline(), (timeout, tracker) -> calls.client.get("get", APISERVICE_PATH, timeout, tracker));
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Finding.fail(APISERVICE, "not registered", MANIFESTS);
            }
            if (e.code() == 403) {
                return Finding.warn(APISERVICE, "the appliance's user may not read it", FIX_APISERVICE_FORBIDDEN);
            }
            Problem p = classify(e, kc.server());
            return Finding.fail(APISERVICE, p.detail, p.fix);
        } catch (IOException e) {
            Problem p = classify(e, kc.server());
            return Finding.fail(APISERVICE, p.detail, p.fix);
        }
        JsonNode available = null;
        for (JsonNode c : svc.path("status").path("conditions")) {
            if ("Available".equals(Json.text(c, "type"))) {
                available = c;
                break;
            }
        }
        if (available == null) {
            return Finding.fail(APISERVICE, "no Available condition yet", "wait a few seconds and run the doctor again; "
                    + "if it stays, kubectl describe apiservice v1beta1.metrics.k8s.io");
        }
        String status = Json.text(available, "status");
        if ("True".equals(status)) {
            return Finding.ok(APISERVICE, "Available (" + service(svc.path("spec").path("service")) + ")");
        }
        String reason = Json.text(available, "reason");
        String message = Json.text(available, "message");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
        String detail = "Available " + (status == null ? "Unknown" : status)
                + (reason.isEmpty() ? "" : ": " + reason) + (message.isEmpty() ? "" : ": " + short_(message));
        return Finding.fail(APISERVICE, detail, discoveryFix(reason, message));
    }

    static String discoveryFix(String reason, String message) {
        if ("FailedDiscoveryCheck".equals(reason) && UNREACHABLE.matcher(message).find()) {
            return FIX_DISCOVERY_UNREACHABLE;
        }
        if (CERTIFICATE.matcher(message).find()) {
            return FIX_DISCOVERY_CERTIFICATE;
        }
        if (AUTH.matcher(message).find()) {
            return FIX_DISCOVERY_AUTH;
        }
        if (reason.equals("ServiceNotFound") || reason.equals("MissingEndpoints") || reason.equals("EndpointsNotFound")) {
            return FIX_DISCOVERY_SERVICE;
        }
        return FIX_DISCOVERY_OTHER;
    }

    private static String service(JsonNode service) {
        if (service.isMissingNode() || service.isNull()) {
            return "served by kube-apiserver itself";
        }
        int port = service.path("port").asInt(443);
        return Json.text(service, "namespace") + "/" + Json.text(service, "name") + ":" + port;
    }

    // ---- bounded calls --------------------------------------------------------------------------

    private long deadline() {
        return System.nanoTime() + requestTimeout.toNanos();
    }

    private interface Request<T> {
        T send(Timeout responseTimeout, ApiClient.CallTracker tracker) throws IOException;
    }

    /**
     * Runs each request on a worker thread and waits for it until the deadline at most; then cancels it. The
     * client's own timeouts (connect 10 s, response set to what is left) normally end it first.
     */
    private final class Calls {

        final ApiClient client;
        private final ExecutorService workers;

        Calls(ApiClient client, ExecutorService workers) {
            this.client = client;
            this.workers = workers;
        }

        <T> T run(long deadline, Request<T> request) throws IOException, InterruptedException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            AtomicReference<HttpUriRequestBase> inFlight = new AtomicReference<>();
            Timeout timeout = Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            Future<T> f = workers.submit(() -> request.send(timeout, inFlight::set));
            try {
                return f.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                cancel(f, inFlight);
                throw new SocketTimeoutException("deadline passed");
            } catch (InterruptedException e) {
                cancel(f, inFlight);
                throw e;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException(message(c), c);
            }
        }

        private void cancel(Future<?> f, AtomicReference<HttpUriRequestBase> inFlight) {
            HttpUriRequestBase r = inFlight.get();
            if (r != null) {
                r.cancel();
            }
            f.cancel(true);
        }
    }

    // ---- text -----------------------------------------------------------------------------------

    /** The exception's message without the class names Java puts into wrapped messages. */
    private static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return CLASS_PREFIX.matcher(m).replaceAll("");
    }

    private static String short_(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > MAX_MESSAGE ? one.substring(0, MAX_MESSAGE) + "..." : one;
    }

    private static long seconds(Duration d) {
        return Math.max(1, Math.round(d.toMillis() / 1000.0));
    }
}
