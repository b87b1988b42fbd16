package io.kma.scraper.internal;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
import javax.net.ssl.X509KeyManager;

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
import io.kma.api.cluster.NodeInfo;
import io.kma.api.config.Pids;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.scraper.internal.KubeletProbe.NodeProbe;
import io.kma.scraper.internal.KubeletProbe.Step;
import io.kma.shared.time.GoDurations;
import io.kma.shared.x509.AdminGroups;

/**
 * The {@code kubelets} group of {@code kube-metrics-appliance doctor}: checks the scraper's settings and
 * strategies, then probes every selected kubelet once through the scraper's own code path
 * ({@link KubeletClients}, {@link KubeletHttpClient}, {@link KubeletTrustManager}, {@link NodeNameVerifier},
 * {@link CredentialsKeyManager}, {@link NodeScraper}), so that it verifies exactly what scraping does, and
 * reports one line per node naming the step that failed (address, name resolution, TCP connect, TLS,
 * kubelet authentication or authorization, response) with its fix. {@link KubeletProbe} walks one node's
 * chain; this class sets up the run, probes the nodes in parallel within a time limit and keeps the report
 * short on large clusters.
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

    private static final Pattern STRATEGY = Pattern.compile("\\(\\s*" + Pattern.quote(AddressResolver.STRATEGY)
            + "\\s*=\\s*([^)\\s]+)\\s*\\)");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ClusterView clusterView;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TlsMaterials tlsMaterials;

    /** Same name as the scraper's: {@code addressResolver.target} selects the same strategy. */
    @Reference(name = "addressResolver", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AddressResolver addressResolver;

    /** Same name as the scraper's: {@code credentials.target} selects the same strategy. */
    @Reference(name = "credentials", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile KubeletCredentials credentials;

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
        try (KubeletClients clients = new KubeletClients(verifier, new BufferPool(16, 1024 * 1024), true)) {
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
                report.accept(Finding.warn(SETTINGS, KubeletFixes.INSECURE_DETAIL, KubeletFixes.INSECURE_FIX));
            } else {
                report.accept(Finding.ok(SETTINGS, "address resolver " + strategyName(s.addressResolverTarget())
                        + ", credentials: " + creds.describe() + ", kubelet CA " + s.certificateAuthority()
                        + KubeletFixes.pinState(clients.pins())));
            }
            List<NodeInfo> nodes = selectedNodes(s, report);
            if (nodes == null) {
                return;
            }
            NodeScraper scraper = new NodeScraper(http, new EndpointMemory(Long.MAX_VALUE / 4), new Interner(12),
                    new JsonFactory(), s.requestTimeoutMillis(), s.maxResponseBytes());
            probeAll(new KubeletProbe(s, creds, scraper), nodes, resolver, verifier, report);
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
                    + creds.describe(), "use the appliance's own identity (kubelet.auth: kubeconfig, after sudo"
                    + " kube-metrics-appliance identity --approve), or make kubelet.clientCertificate and kubelet.clientKey"
                    + " readable (kubelet.auth: x509), or kubelet.tokenFile (kubelet.auth: token)"));
        } else {
            List<String> admin = creds.keyManager().map(KubeletDiagnosis::adminGroups).orElse(List.of());
            if (!admin.isEmpty()) {
                out.add(Finding.fail(SETTINGS, "the kubelet credential is a cluster administrator (O=" + String.join(", O=", admin)
                        + "): " + creds.describe() + "; whoever takes over the appliance would own the cluster",
                        AdminGroups.fix(" (kubelets accept it: the cluster CA signed it)")));
            }
        }
        if (tls == null && !s.insecureSkipTLSVerify()) {
            out.add(Finding.fail(SETTINGS, "no TlsMaterials service is registered, so kubelet.certificateAuthority"
                    + " cannot be read", "install and start the tls bundle"));
        }
        return out;
    }

    /** The administrator groups of the client certificate a key manager presents (EC or RSA). */
    static List<String> adminGroups(X509KeyManager km) {
        for (String type : new String[] {"EC", "RSA"}) {
            String[] aliases = km.getClientAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                X509Certificate[] chain = km.getCertificateChain(aliases[0]);
                if (chain != null && chain.length > 0) {
                    return AdminGroups.of(chain[0]);
                }
            }
        }
        return List.of();
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

    private void probeAll(KubeletProbe probe, List<NodeInfo> nodes, AddressResolver resolver, NodeNameVerifier verifier,
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

        long timeout = probe.settings().requestTimeoutMillis();
        long budget = probeBudgetMillis != null ? probeBudgetMillis
                : Math.min(600_000, Math.max(60_000, 6 * timeout));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
        int parallel = Math.max(1, Math.min(n, Math.min(MAX_PARALLEL, probe.settings().maxConcurrentScrapes())));
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
                probes.add(pool.submit(() -> probe.probeNode(node, c, error)));
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
            probe.abortAll();
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
                    + GoDurations.ofMillis(budget) + ")", Step.TIME_LIMIT, "the nodes above show which step is slow; set"
                    + " nodeSelector to a subset of nodes and run the doctor again");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return new NodeProbe(node.name(), "probe failed: " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()), Step.RESPONSE, "report this as a bug");
        }
    }
}
