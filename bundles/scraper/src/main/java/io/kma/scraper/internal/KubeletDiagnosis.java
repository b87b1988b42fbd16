package io.kma.scraper.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.config.Pids;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.ContainerSample;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/**
 * The {@code kubelets} group of {@code kube-metrics-appliance doctor}: checks the scraper's settings and
 * strategies, then probes every selected kubelet once through the scraper's own code path
 * ({@link KubeletClients}, {@link KubeletHttpClient}, {@link KubeletTrustManager}, {@link NodeNameVerifier},
 * {@link CredentialsKeyManager}, {@link NodeScraper}), so that it verifies exactly what scraping does, and
 * reports one line per node naming the step that failed (address, name resolution, TCP connect, TLS,
 * kubelet authentication or authorization, response) with its fix.
 *
 * <p>Configured by the scraper's PID and its references carry the scraper's names, so
 * {@code addressResolver.target} and {@code credentials.target} select the same strategies. Every reference
 * is optional: a missing service is a FAIL finding, not an unsatisfied component.
 */
@Component(configurationPid = Pids.SCRAPER, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Diagnosis.class,
        property = {Diagnosis.NAME + "=kubelets", Diagnosis.ORDER + ":Integer=40"})
public final class KubeletDiagnosis implements Diagnosis {

    static final String SETTINGS = "kubelet settings";
    static final String NODES = "nodes";
    static final String NODE = "node ";
    static final int MAX_OK_LINES = 20;
    static final int MAX_FAIL_LINES = 50;
    static final int MAX_PARALLEL = 64;

    static final String CLIENT_CA_FIX = "the kubelet's client CA (--client-ca-file / authentication.x509.clientCAFile)"
            + " must sign ";
    static final String TOKEN_FIX = "enable webhook token authentication on the kubelet"
            + " (authentication.webhook.enabled: true) and check the token";
    static final String RBAC_FIX = "grant the appliance's user get on nodes/metrics (ClusterRole"
            + " system:kube-metrics-appliance from kube-metrics-appliance manifests) and run the kubelet with"
            + " authorization.mode: Webhook";
    static final String INSECURE_DETAIL = "kubelet serving certificates are not verified (kubelet.insecureSkipTLSVerify)";
    static final String INSECURE_FIX = "set kubelet.certificateAuthority to the CA that signs the kubelets' serving"
            + " certificates (with serverTLSBootstrap: true in the kubelet configuration, the cluster CA"
            + " /etc/kubernetes/pki/ca.crt) and remove insecureSkipTLSVerify";

    private static final Pattern STRATEGY = Pattern.compile("\\(\\s*" + Pattern.quote(AddressResolver.STRATEGY)
            + "\\s*=\\s*([^)\\s]+)\\s*\\)");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterView clusterView;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsMaterials tlsMaterials;

    /** Same name as the scraper's: {@code addressResolver.target} selects the same strategy. */
    @Reference(name = "addressResolver", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AddressResolver addressResolver;

    /** Same name as the scraper's: {@code credentials.target} selects the same strategy. */
    @Reference(name = "credentials", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile KubeletCredentials credentials;

    private volatile ScraperSettings settings;
    private volatile String selectorText = "";

    /** How long strategies registered late (configuration arriving after start) are waited for. */
    long referenceGraceMillis = 5_000;
    /** How long the node cache's first list is waited for. */
    long syncWaitMillis = 30_000;
    long pollMillis = 100;
    /** Bound of the node probes as a whole; null: derived from the request timeout. */
    Long probeBudgetMillis;

    @Activate
    void activate(ScraperConfig config) {
        modified(config);
    }

    @Modified
    void modified(ScraperConfig config) {
        settings = ScraperSettings.of(config);
        selectorText = config.nodeSelector() == null ? "" : config.nodeSelector().trim();
    }

    /** The steps of one node's chain, in order; a later step means the probe got further. */
    enum Step {
        ADDRESS("address"),
        NAME_RESOLUTION("name resolution"),
        TCP("TCP connect"),
        TLS("TLS"),
        AUTHENTICATION("kubelet authentication"),
        AUTHORIZATION("kubelet authorization"),
        RESPONSE("response"),
        TIME_LIMIT("time limit");

        final String label;

        Step(String label) {
            this.label = label;
        }

        /** Failures at these steps make the scraper try the node's next candidate address. */
        boolean beforeRequest() {
            return this == NAME_RESOLUTION || this == TCP || this == TLS;
        }
    }

    /** One node's outcome: {@code step} and {@code fix} are null when it answered. */
    record NodeProbe(String node, String detail, Step step, String fix) {
        boolean ok() {
            return step == null;
        }
    }

    /** The run's shared state: one client, one verifier, one scraper, as a scrape cycle has. */
    private record Run(ScraperSettings settings, KubeletCredentials credentials, NodeScraper scraper) {
    }

    @Override
    public void examine(Consumer<Finding> report) throws InterruptedException {
        ScraperSettings s = settings;
        if (s == null) {
            report.accept(Finding.skip(SETTINGS, "the scraper's configuration (" + Pids.SCRAPER + ") is not there"));
            return;
        }
        awaitStrategies(s);
        AddressResolver resolver = addressResolver;
        KubeletCredentials creds = credentials;
        TlsMaterials tls = tlsMaterials;
        List<Finding> problems = settingsProblems(s, resolver, creds, tls);
        NodeNameVerifier verifier = new NodeNameVerifier();
        try (KubeletClients clients = new KubeletClients(verifier, new BufferPool(16, 1024 * 1024))) {
            KubeletHttpClient http = null;
            if (problems.isEmpty()) {
                try {
                    http = clients.get(s, tls, creds);
                } catch (TlsException e) {
                    problems.add(Finding.fail(SETTINGS, "cannot read kubelet.certificateAuthority " + s.certificateAuthority()
                            + ": " + e.getMessage(), "set kubelet.certificateAuthority to a readable PEM file with the CA"
                            + " that signs the kubelets' serving certificates (with serverTLSBootstrap: true in the kubelet"
                            + " configuration, the cluster CA /etc/kubernetes/pki/ca.crt)"));
                } catch (SSLException e) {
                    problems.add(Finding.fail(SETTINGS, "cannot set up kubelet TLS with CA " + s.certificateAuthority()
                            + ": " + e.getMessage(), "check kubelet.certificateAuthority and the kubelet.auth files"));
                }
            }
            if (!problems.isEmpty()) {
                problems.forEach(report);
                report.accept(Finding.skip(NODES, "not checked: the kubelet settings above failed"));
                return;
            }
            if (s.insecureSkipTLSVerify()) {
                report.accept(Finding.warn(SETTINGS, INSECURE_DETAIL, INSECURE_FIX));
            } else {
                report.accept(Finding.ok(SETTINGS, "address resolver " + strategyName(s.addressResolverTarget())
                        + ", credentials: " + creds.describe() + ", kubelet CA " + s.certificateAuthority()));
            }
            List<NodeInfo> nodes = selectedNodes(s, report);
            if (nodes == null) {
                return;
            }
            NodeScraper scraper = new NodeScraper(http, new EndpointMemory(Long.MAX_VALUE / 4), new Interner(12),
                    new JsonFactory(), s.requestTimeoutMillis(), s.maxResponseBytes());
            probeAll(new Run(s, creds, scraper), nodes, resolver, verifier, report);
        }
    }

    /** Strategies and TlsMaterials whose configuration arrives just after start get a short grace. */
    private void awaitStrategies(ScraperSettings s) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(referenceGraceMillis);
        while ((addressResolver == null || credentials == null || (tlsMaterials == null && !s.insecureSkipTLSVerify()))
                && System.nanoTime() < until) {
            Thread.sleep(pollMillis);
        }
    }

    private static List<Finding> settingsProblems(ScraperSettings s, AddressResolver resolver, KubeletCredentials creds,
            TlsMaterials tls) {
        List<Finding> out = new ArrayList<>();
        if (s.selectorError() != null) {
            out.add(Finding.fail(SETTINGS, s.selectorError(), "set nodeSelector to a label selector such as"
                    + " node-role.kubernetes.io/worker or kubernetes.io/os=linux, or leave it empty for all nodes"));
        }
        if (resolver == null) {
            out.add(Finding.fail(SETTINGS, "no AddressResolver strategy matching " + s.addressResolverTarget()
                    + " is registered", "install and start the address-" + strategyName(s.addressResolverTarget())
                    + " bundle, or set kubelet.addressResolver"));
        }
        if (creds == null) {
            out.add(Finding.fail(SETTINGS, "no KubeletCredentials strategy matching " + s.credentialsTarget()
                    + " is registered", "install and start the kubelet-auth-" + strategyName(s.credentialsTarget())
                    + " bundle, or set kubelet.auth"));
        } else if (creds.keyManager().isEmpty() && creds.bearerToken().isEmpty()) {
            out.add(Finding.fail(SETTINGS, "the kubelet credentials present neither a client certificate nor a token: "
                    + creds.describe(), "make kubelet.clientCertificate and kubelet.clientKey readable (kubelet.auth: x509;"
                    + " kubeadm's /etc/kubernetes/pki/apiserver-kubelet-client.crt and .key), or kubelet.tokenFile"
                    + " (kubelet.auth: token)"));
        }
        if (tls == null && !s.insecureSkipTLSVerify()) {
            out.add(Finding.fail(SETTINGS, "no TlsMaterials service is registered, so kubelet.certificateAuthority"
                    + " cannot be read", "install and start the tls bundle"));
        }
        return out;
    }

    /** {@code preferred} for {@code (kma.strategy=preferred)}; the filter itself when it is not that simple. */
    static String strategyName(String target) {
        Matcher m = STRATEGY.matcher(target == null ? "" : target);
        return m.matches() ? m.group(1) : String.valueOf(target);
    }

    /** The selected nodes by name, or null when a finding ended the group. */
    private List<NodeInfo> selectedNodes(ScraperSettings s, Consumer<Finding> report) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(syncWaitMillis);
        ClusterView cv = clusterView;
        while ((cv == null || !cv.nodesSynced()) && System.nanoTime() < until) {
            Thread.sleep(pollMillis);
            cv = clusterView;
        }
        if (cv == null) {
            report.accept(Finding.fail(NODES, "no ClusterView service is registered, so the node list is unknown",
                    "install and start the kube-client bundle (see the kube-apiserver checks above)"));
            return null;
        }
        if (!cv.nodesSynced()) {
            report.accept(Finding.fail(NODES, "the node list could not be read from kube-apiserver (see the"
                    + " kube-apiserver checks above)", "fix the kube-apiserver checks above; the appliance's user needs"
                    + " list and watch on nodes (ClusterRole system:kube-metrics-appliance)"));
            return null;
        }
        List<NodeInfo> nodes = new ArrayList<>();
        for (NodeInfo n : cv.nodes()) {
            if (s.nodeSelector().matches(n.labels())) {
                nodes.add(n);
            }
        }
        nodes.sort(Comparator.comparing(NodeInfo::name));
        if (nodes.isEmpty()) {
            report.accept(selectorText.isEmpty()
                    ? Finding.warn(NODES, "no nodes match: the cluster has no nodes", "join nodes to the cluster"
                            + " (kubeadm join), then run the doctor again")
                    : Finding.warn(NODES, "no nodes match nodeSelector " + selectorText, "check nodeSelector against"
                            + " the nodes' labels (kubectl get nodes -l '" + selectorText + "'), or leave it empty"));
            return null;
        }
        return nodes;
    }

    private void probeAll(Run run, List<NodeInfo> nodes, AddressResolver resolver, NodeNameVerifier verifier,
            Consumer<Finding> report) throws InterruptedException {
        int n = nodes.size();
        List<List<KubeletEndpoint>> candidates = new ArrayList<>(n);
        List<String> resolverErrors = new ArrayList<>(n);
        for (NodeInfo node : nodes) {
            List<KubeletEndpoint> c = List.of();
            String error = null;
            try {
                List<KubeletEndpoint> r = resolver.resolve(node);
                c = r == null ? List.of() : r;
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            candidates.add(c);
            resolverErrors.add(error);
        }
        // as a scrape cycle does: each dialled host stands for the nodes dialled there
        verifier.expect(ScrapeCycle.expectations(nodes, candidates));

        long timeout = run.settings().requestTimeoutMillis();
        long budget = probeBudgetMillis != null ? probeBudgetMillis
                : Math.min(600_000, Math.max(60_000, 6 * timeout));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
        int parallel = Math.max(1, Math.min(n, Math.min(MAX_PARALLEL, run.settings().maxConcurrentScrapes())));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "kma-doctor-kubelet-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<NodeProbe>> probes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                NodeInfo node = nodes.get(i);
                List<KubeletEndpoint> c = candidates.get(i);
                String error = resolverErrors.get(i);
                probes.add(pool.submit(() -> probeNode(run, node, c, error)));
            }
            int okShown = 0;
            int okHidden = 0;
            int failShown = 0;
            int failed = 0;
            Map<Step, Integer> hiddenFailures = new EnumMap<>(Step.class);
            for (int i = 0; i < n; i++) {
                NodeProbe p = await(probes.get(i), nodes.get(i), deadline, budget);
                if (p.ok()) {
                    if (okShown < MAX_OK_LINES) {
                        report.accept(Finding.ok(NODE + p.node(), p.detail()));
                        okShown++;
                    } else {
                        okHidden++;
                    }
                } else {
                    failed++;
                    if (failShown < MAX_FAIL_LINES) {
                        report.accept(Finding.fail(NODE + p.node(), p.detail(), p.fix()));
                        failShown++;
                    } else {
                        hiddenFailures.merge(p.step(), 1, Integer::sum);
                    }
                }
            }
            if (okHidden > 0) {
                report.accept(Finding.ok(NODES, "and " + okHidden + " more nodes OK"));
            }
            if (!hiddenFailures.isEmpty()) {
                int more = hiddenFailures.values().stream().mapToInt(Integer::intValue).sum();
                StringBuilder by = new StringBuilder();
                hiddenFailures.forEach((step, count) -> by.append(by.length() == 0 ? "" : ", ").append(count)
                        .append(" at ").append(step.label));
                report.accept(Finding.fail(NODES, "and " + more + " more nodes failed: " + by,
                        "the fixes above for the same steps apply; set nodeSelector to a subset of nodes to list them"));
            }
            report.accept(failed == 0 ? Finding.ok(NODES, n + " of " + n + " nodes answered")
                    : Finding.fail(NODES, failed + " of " + n + " nodes failed", "see the node lines above"));
        } finally {
            pool.shutdownNow();
            run.scraper().abortAll();
            // connects and reads are bounded by the request timeout; do not wait longer than that
            pool.awaitTermination(Math.min(timeout, 5_000) + 1_000, TimeUnit.MILLISECONDS);
        }
    }

    private static NodeProbe await(Future<NodeProbe> probe, NodeInfo node, long deadline, long budget)
            throws InterruptedException {
        try {
            return probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return new NodeProbe(node.name(), "not finished within the doctor's time limit for all nodes ("
                    + Durations.format(budget) + ")", Step.TIME_LIMIT, "the nodes above show which step is slow; set"
                    + " nodeSelector to a subset of nodes and run the doctor again");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return new NodeProbe(node.name(), "probe failed: " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()), Step.RESPONSE, "report this as a bug");
        }
    }

    /** The node's chain, candidate by candidate as the scraper dials them. Runs on a probe thread. */
    private NodeProbe probeNode(Run run, NodeInfo node, List<KubeletEndpoint> candidates, String resolverError)
            throws InterruptedException {
        if (resolverError != null) {
            return new NodeProbe(node.name(), "no address: the address resolver "
                    + strategyName(run.settings().addressResolverTarget()) + " failed: " + resolverError, Step.ADDRESS,
                    "check kubelet.addressResolver and the address-" + strategyName(run.settings().addressResolverTarget())
                    + " bundle's configuration");
        }
        if (candidates.isEmpty()) {
            return new NodeProbe(node.name(), "no address: the address resolver "
                    + strategyName(run.settings().addressResolverTarget()) + " gives no candidate (the node publishes "
                    + describeAddresses(node) + ")", Step.ADDRESS, noAddressFix(node));
        }
        List<Attempt> failures = new ArrayList<>();
        for (KubeletEndpoint endpoint : candidates) {
            Attempt a = probeEndpoint(run, node, endpoint);
            if (a.step() == null) {
                StringBuilder detail = new StringBuilder(a.detail());
                for (Attempt f : failures) {
                    detail.append("; before that ").append(f.endpointText()).append(": ").append(f.step().label)
                            .append(" failed");
                }
                return new NodeProbe(node.name(), detail.toString(), null, null);
            }
            failures.add(a);
            if (!a.step().beforeRequest()) {
                break;
            }
        }
        // the candidate that got furthest says most; the first of those when several got as far
        Attempt primary = failures.get(0);
        for (Attempt f : failures) {
            if (f.step().ordinal() > primary.step().ordinal()) {
                primary = f;
            }
        }
        StringBuilder detail = new StringBuilder(primary.detail());
        for (Attempt f : failures) {
            if (f != primary) {
                detail.append("; also ").append(f.endpointText()).append(": ").append(f.step().label).append(" failed");
            }
        }
        return new NodeProbe(node.name(), detail.toString(), primary.step(), primary.fix());
    }

    /** One candidate's chain: step null when the kubelet answered 200. */
    private record Attempt(KubeletEndpoint endpoint, String detail, Step step, String fix) {
        String endpointText() {
            return endpoint.authority() + " (" + endpoint.addressType() + ")";
        }
    }

    private Attempt probeEndpoint(Run run, NodeInfo node, KubeletEndpoint endpoint) throws InterruptedException {
        long timeout = run.settings().requestTimeoutMillis();
        String authority = endpoint.authority();
        StringBuilder chain = new StringBuilder(authority).append(" (").append(endpoint.addressType()).append(")");
        String host = endpoint.host();
        InetAddress address;
        try {
            // a literal is parsed, not looked up
            address = InetAddress.getByName(host);
            if (!NodeNameVerifier.isIpLiteral(host)) {
                chain.append(", ").append(host).append(" resolved to ").append(address.getHostAddress());
            }
        } catch (UnknownHostException e) {
            return new Attempt(endpoint, chain + ": name resolution failed: " + host + " does not resolve on this host",
                    Step.NAME_RESOLUTION, host + " does not resolve on this host: put InternalIP first in"
                    + " kubelet.preferredAddressTypes (the default order starts with Hostname), or map node names with"
                    + " kubelet.addressResolver: hosts — no need to edit CoreDNS or /etc/hosts");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, endpoint.port()), (int) Math.min(Integer.MAX_VALUE, timeout));
        } catch (IOException e) {
            String why = e instanceof SocketTimeoutException ? "connect timeout after " + Durations.format(timeout)
                    : e instanceof NoRouteToHostException ? "no route to host"
                    : e instanceof ConnectException && String.valueOf(e.getMessage()).toLowerCase().contains("refused")
                            ? "connection refused"
                    : "cannot connect: " + e.getMessage();
            return new Attempt(endpoint, chain + ": TCP connect failed: " + why, Step.TCP, tcpFix(endpoint));
        }
        chain.append(", connected");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        NodeResult r;
        try {
            // the scraper's own request: its client, trust, name verification, credentials and classification
            r = run.scraper().scrape(node, List.of(endpoint), run.credentials())
                    .get(2 * timeout + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return new Attempt(endpoint, chain + ": response failed: no answer within " + Durations.format(2 * timeout),
                    Step.RESPONSE, timeoutFix(timeout));
        }
        boolean verified = !run.settings().insecureSkipTLSVerify();
        if (r.failure() == null) {
            chain.append(verified ? ", certificate verified" : ", certificate NOT verified")
                    .append(", kubelet answered 200");
            if (r.url() != null && r.url().endsWith(NodeScraper.SUMMARY_PATH)) {
                chain.append(" on ").append(NodeScraper.SUMMARY_PATH);
            }
            int pods = pods(r);
            chain.append(" (").append(pods).append(pods == 1 ? " pod)" : " pods)");
            return new Attempt(endpoint, chain.toString(), null, null);
        }
        return classify(run, node, endpoint, chain, r.failure(), verified);
    }

    private Attempt classify(Run run, NodeInfo node, KubeletEndpoint endpoint, StringBuilder chain, ScrapeFailure f,
            boolean verified) {
        String message = f.getMessage();
        Throwable cause = f.getCause();
        String credential = run.credentials().describe();
        String afterTls = chain + (verified ? ", certificate verified" : ", certificate NOT verified");
        switch (f.outcome) {
            case TLS_ERROR: {
                String why = message.startsWith("TLS: ") ? message.substring(5) : message;
                String text = chain + ": TLS failed: " + why;
                if (causedBy(cause, KubeletTrustManager.UntrustedCertificateException.class)) {
                    return new Attempt(endpoint, text, Step.TLS, "the kubelet's serving certificate is not signed by "
                            + run.settings().certificateAuthority() + ": enable serverTLSBootstrap: true in the kubelet"
                            + " configuration and approve its CSRs (kubectl get csr; kubectl certificate approve <name>),"
                            + " or set kubelet.certificateAuthority to the CA that signs the kubelets' certificates; do not"
                            + " use kubelet.insecureSkipTLSVerify");
                }
                if (causedBy(cause, NodeNameVerifier.NameMismatchException.class)) {
                    return new Attempt(endpoint, text, Step.TLS, "the certificate names neither " + endpoint.host()
                            + " nor the node name: reissue it with serverTLSBootstrap (the kubelet's CSR then carries the"
                            + " node's addresses and name)");
                }
                if (cause instanceof SSLException && NodeScraper.clientCertificateRejected((SSLException) cause)) {
                    return new Attempt(endpoint, text, Step.TLS, CLIENT_CA_FIX + credential);
                }
                return new Attempt(endpoint, text, Step.TLS, "check that " + endpoint.authority() + " is the kubelet's"
                        + " HTTPS port (kubelet.port, kubelet.useNodeStatusPort) and that it accepts TLS 1.2 or 1.3");
            }
            case CONNECT_ERROR:
                if (f.beforeRequest) {
                    boolean dns = cause instanceof UnknownHostException;
                    return new Attempt(endpoint, chain + ": " + (dns ? "name resolution" : "TCP connect") + " failed: "
                            + message, dns ? Step.NAME_RESOLUTION : Step.TCP, dns ? endpoint.host()
                            + " does not resolve on this host: put InternalIP first in kubelet.preferredAddressTypes, or"
                            + " map node names with kubelet.addressResolver: hosts" : tcpFix(endpoint));
                }
                if (run.credentials().keyManager().isPresent()) {
                    // TLS 1.3: a kubelet refusing the client certificate closes the connection after the handshake
                    return new Attempt(endpoint, afterTls + ": TLS failed: the kubelet closed the connection without"
                            + " answering, as it does when it refuses the client certificate (" + message + ")", Step.TLS,
                            CLIENT_CA_FIX + credential + " (the kubelet then logs \"TLS handshake error ... failed to"
                            + " verify certificate\"; if it does not, check that " + endpoint.authority()
                            + " is the kubelet's port, kubelet.port)");
                }
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check the kubelet's log and that " + endpoint.authority() + " is the kubelet's port"
                        + " (kubelet.port, kubelet.useNodeStatusPort)");
            case UNAUTHORIZED:
                return new Attempt(endpoint, afterTls + ": kubelet authentication failed: " + message,
                        Step.AUTHENTICATION, authenticationFix(run.credentials()));
            case FORBIDDEN:
                return new Attempt(endpoint, afterTls + ": kubelet authorization failed: " + message,
                        Step.AUTHORIZATION, RBAC_FIX);
            case TIMEOUT:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        timeoutFix(run.settings().requestTimeoutMillis()));
            case TOO_LARGE:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "raise kubelet.maxResponseBytes (the node runs more containers than it allows)");
            case PARSE_ERROR:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check that " + endpoint.authority() + " is the kubelet (kubelet.port, kubelet.useNodeStatusPort)"
                        + pathHint(node));
            default:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check the kubelet's log for GET " + NodeScraper.RESOURCE_PATH + " and that " + endpoint.authority()
                        + " is the kubelet (kubelet.port, kubelet.useNodeStatusPort)" + pathHint(node));
        }
    }

    private static String pathHint(NodeInfo node) {
        String override = node.annotations().get(NodeInfo.RESOURCE_METRICS_PATH_ANNOTATION);
        return override == null ? "" : "; the node's annotation " + NodeInfo.RESOURCE_METRICS_PATH_ANNOTATION + " sets the"
                + " path " + override;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String tcpFix(KubeletEndpoint endpoint) {
        return "nothing accepts TCP connections at " + endpoint.authority() + " from this host: check that the kubelet"
                + " runs and that a firewall allows TCP " + endpoint.port() + " from the control-plane hosts"
                + " (kubelet.port, kubelet.useNodeStatusPort)";
    }

    private static String timeoutFix(long timeoutMillis) {
        return "the kubelet did not answer within kubelet.requestTimeout (" + Durations.format(timeoutMillis)
                + "): check the kubelet's health and the node's load, or raise kubelet.requestTimeout";
    }

    static String authenticationFix(KubeletCredentials c) {
        boolean cert = c.keyManager().isPresent();
        boolean token = c.bearerToken().isPresent();
        if (cert && token) {
            return CLIENT_CA_FIX + c.describe() + "; or " + TOKEN_FIX;
        }
        if (token) {
            return TOKEN_FIX;
        }
        if (cert) {
            return CLIENT_CA_FIX + c.describe();
        }
        return "configure kubelet.auth with a client certificate (x509) or a token (token)";
    }

    private static String noAddressFix(NodeInfo node) {
        Set<String> types = new LinkedHashSet<>();
        for (NodeAddress a : node.addresses()) {
            if (a != null && a.type() != null && a.address() != null && !a.address().isBlank()) {
                types.add(a.type());
            }
        }
        if (types.isEmpty()) {
            return "the node publishes no address (status.addresses is empty): use kubelet.addressResolver: hosts with"
                    + " kubelet.hosts: [\"" + node.name() + "=<address>\"]";
        }
        return "the node has none of the address types in kubelet.preferredAddressTypes (it has " + String.join(", ", types)
                + "): add one of them, or use kubelet.addressResolver: hosts";
    }

    private static String describeAddresses(NodeInfo node) {
        if (node.addresses().isEmpty()) {
            return "no address";
        }
        StringBuilder sb = new StringBuilder();
        for (NodeAddress a : node.addresses()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(a.type()).append(' ').append(a.address());
        }
        return sb.toString();
    }

    private static int pods(NodeResult r) {
        Set<String> pods = new HashSet<>();
        for (ContainerSample c : r.scrape().containers()) {
            pods.add(c.namespace() + '/' + c.pod());
        }
        return pods.size();
    }
}
