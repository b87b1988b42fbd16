package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.config.Pids;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.http.HealthCheck;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.shared.time.GoDurations;

/**
 * The scrape loop: every resolution, scrape every selected kubelet and hand one batch to the
 * {@link MetricsStore}. One scheduler thread runs the ticks one after another (a tick that overruns
 * makes the next one start at the following slot: missed ticks are dropped, as Go's ticker does).
 *
 * <p>Every collaborator is a dynamic, greedy, optional reference, so installing, updating or stopping
 * the bundle behind it takes effect at the next tick without deactivating the scraper; a tick that
 * finds one missing is skipped with one warning (repeated only when the reason changes).
 *
 * <p>Also the {@code metric-collection-timely} liveness check and the scraper's self-metrics.
 *
 * <p>When the framework runs {@code kube-metrics-appliance doctor} ({@link Diagnosis#MODE} = {@link Diagnosis#DOCTOR})
 * the component activates without scheduling any tick: the doctor's {@link KubeletDiagnosis} probes the kubelets.
 */
@Component(configurationPid = Pids.SCRAPER, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {HealthCheck.class, MetricsSource.class},
        property = {HealthCheck.ENDPOINTS + "=livez", HealthCheck.ORDER + ":Integer=45"})
@Designate(ocd = ScraperConfig.class)
public final class ScraperComponent implements HealthCheck, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(ScraperComponent.class);
    static final String TIMELY = "metric-collection-timely";
    private static final long SYNC_POLL_MILLIS = 200;
    private static final long SYNC_WAIT_MILLIS = 60_000;
    private static final long SUMMARY_RECHECK_MILLIS = 3_600_000;

    volatile ClusterView clusterView;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MetricsStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TlsMaterials tlsMaterials;

    @Reference(name = "addressResolver", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AddressResolver addressResolver;

    @Reference(name = "credentials", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile KubeletCredentials credentials;

    private final NodeNameVerifier verifier = new NodeNameVerifier();
    /** One for the scraper's life, so that a node failing every cycle is named once, not every cycle. */
    private final ScrapeFailureLog failureLog = ScrapeFailureLog.forScrapeCycle();
    /** Nodes scraped before, and first scrapes (TLS handshakes) carried from one cycle into the next. */
    private final CarriedScrapes carriedScrapes = new CarriedScrapes();
    /** Scrapes in flight, adapted across cycles (a cold start's handshake storm backs it off). */
    private final ConcurrencyLimit concurrency = new ConcurrencyLimit(256, TimeUnit.SECONDS.toNanos(1));
    /** Each node's phase within the cycle's spread, for the scraper's life. */
    private final ScrapePhases phases = new ScrapePhases(ThreadLocalRandom.current().nextLong());
    private final BufferPool buffers = new BufferPool(64, 4 * 1024 * 1024);
    /** Sized to the cluster after each cycle. */
    private final Interner interner = new Interner(Interner.MIN_LOG2);
    private final JsonFactory json = new JsonFactory();
    private final EndpointMemory memory = new EndpointMemory(SUMMARY_RECHECK_MILLIS);
    private final KubeletClients clients = new KubeletClients(verifier, buffers);
    /** Kept across cycles for what it remembers of each node's own pods; tick thread only. */
    private ForeignPodFilter ownPods;

    private volatile ScraperSettings settings;
    private volatile ScraperMetrics metrics;
    private BundleContext context;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> next;
    private ServiceRegistration<HealthCheck> insecureCheck;
    private ServiceRegistration<HealthCheck> pinCheck;
    private long firstWaitStart;
    private String lastWarning;
    /** System.nanoTime() of the running tick's start, 0 when none runs. */
    private volatile long tickRunningSince;
    private volatile long lastTickStart;
    /** Every node has been scraped once (or nothing can be): a pod cache that binds now need not hold its list. */
    private volatile boolean everyNodeTried;

    @Reference(name = "clusterView", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindClusterView(ClusterView cv) {
        clusterView = cv;
        if (everyNodeTried) {
            cv.releasePodList(); // kube-client came back while we run: nothing cold to make way for
        }
    }

    void unbindClusterView(ClusterView cv) {
        // greedy: the replacement is bound before the old one goes
        if (clusterView == cv) {
            clusterView = null;
        }
    }

    @Activate
    void activate(BundleContext ctx, ScraperConfig config) {
        context = ctx;
        settings = ScraperSettings.of(config);
        metrics = new ScraperMetrics(settings.resolutionMillis());
        if (ctx != null && Diagnosis.DOCTOR.equals(ctx.getProperty(Diagnosis.MODE))) {
            // kube-metrics-appliance doctor: nothing scrapes (KubeletDiagnosis probes the kubelets once instead)
            announce(null, settings);
            return;
        }
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kma-scraper-tick");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
        announce(null, settings);
        firstWaitStart = System.nanoTime();
        synchronized (this) {
            next = scheduler.schedule(this::waitForNodes, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Modified
    void modified(ScraperConfig config) {
        ScraperSettings old = settings;
        ScraperSettings now = ScraperSettings.of(config);
        settings = now;
        metrics.resolution(now.resolutionMillis());
        announce(old, now);
        if (old.resolutionMillis() != now.resolutionMillis() && lastTickStart != 0) {
            // a new resolution applies from the next tick, which is rescheduled on the new period
            synchronized (this) {
                if (next != null && tickRunningSince == 0 && next.cancel(false)) {
                    next = scheduler.schedule(this::tick, delayToNextTick(lastTickStart, now.resolutionMillis()),
                            TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("scrape tick did not stop within 5s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.close();
        updateInsecureCheck(false);
        updatePinCheck(false);
    }

    private void announce(ScraperSettings old, ScraperSettings now) {
        if (now.insecureSkipTLSVerify() && (old == null || !old.insecureSkipTLSVerify())) {
            LOG.warn("kubelet.insecureSkipTLSVerify (--kubelet-insecure-tls) is on: kubelet serving certificates are NOT"
                    + " verified and anyone on the path can feed metrics to the HPA; remove it: CA-signed kubelet"
                    + " certificates are checked against kubelet.certificateAuthority and kubeadm's self-signed ones are"
                    + " pinned on first contact (kubelet.tlsVerification: caOrPin)");
        }
        if (now.selectorError() != null) {
            LOG.error("{}; scraping is suspended until the configuration is fixed", now.selectorError());
        }
        updateInsecureCheck(now.insecureSkipTLSVerify());
        // not in doctor mode (no scheduler): nothing serves /readyz there
        updatePinCheck(scheduler != null && !now.insecureSkipTLSVerify() && now.pinDirectory() != null);
    }

    private synchronized void updatePinCheck(boolean pinning) {
        pinCheck = updateSettingCheck(pinCheck, pinning, SettingHealthCheck.PINNING, 56);
    }

    private synchronized void updateInsecureCheck(boolean insecure) {
        insecureCheck = updateSettingCheck(insecureCheck, insecure, SettingHealthCheck.INSECURE, 55);
    }

    /** Registers the /readyz?verbose entry of a TLS setting while it is on, unregisters it when off. */
    private ServiceRegistration<HealthCheck> updateSettingCheck(ServiceRegistration<HealthCheck> current, boolean on,
            String name, int order) {
        if (on && current == null && context != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HealthCheck.ENDPOINTS, "readyz");
            props.put(HealthCheck.ORDER, order);
            return context.registerService(HealthCheck.class, new SettingHealthCheck(name), props);
        }
        if (!on && current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            return null;
        }
        return current;
    }

    /** Waits (bounded) for the node cache's first list, then starts ticking. */
    private void waitForNodes() {
        ClusterView cv = clusterView;
        boolean synced = cv != null && cv.nodesSynced();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstWaitStart);
        if (synced || waited >= SYNC_WAIT_MILLIS) {
            if (!synced) {
                LOG.warn("node cache not synced after {}; starting to scrape anyway", GoDurations.ofMillis(waited));
            }
            tick();
            return;
        }
        synchronized (this) {
            if (!scheduler.isShutdown()) {
                next = scheduler.schedule(this::waitForNodes, SYNC_POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void tick() {
        long start = System.nanoTime();
        lastTickStart = start;
        tickRunningSince = start;
        ScraperSettings s = settings;
        try {
            runTick(s, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.error("scrape cycle failed: {}", e.toString());
        } finally {
            tickRunningSince = 0;
            metrics.tick((System.nanoTime() - start) / 1e9);
        }
        synchronized (this) {
            if (!scheduler.isShutdown()) {
                next = scheduler.schedule(this::tick, delayToNextTick(start, settings.resolutionMillis()),
                        TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * The pod cache holds its first list until every node has been scraped once, a TLS handshake with each kubelet
     * (see {@link ClusterView#releasePodList()}), or until nothing can be scraped; kube-client bounds the wait. At
     * 5,000 nodes the handshakes take two cycles: released at the first cycle's end instead, the pod list took CPU from
     * the second, whose handshakes then did not all finish in 5 runs of 21 (a third cycle: 50 s to the first full list
     * instead of 36).
     */
    private void releasePodList() {
        everyNodeTried = true;
        ClusterView cv = clusterView;
        if (cv != null) {
            cv.releasePodList();
        }
    }

    /**
     * Time to the next tick: one resolution after this tick's start, or at once when this tick overran,
     * as Go's ticker does upstream (it holds one missed tick). Skipping to the next multiple instead would
     * halve the scrape rate of a cluster whose cycle takes a little longer than the resolution.
     */
    static long delayToNextTick(long tickStartNanos, long resolutionMillis) {
        long period = TimeUnit.MILLISECONDS.toNanos(resolutionMillis);
        long elapsed = System.nanoTime() - tickStartNanos;
        return Math.max(0, period - elapsed);
    }

    private void runTick(ScraperSettings s, long start) throws InterruptedException {
        ClusterView cv = clusterView;
        MetricsStore st = store;
        TlsMaterials tls = tlsMaterials;
        AddressResolver resolver = addressResolver;
        KubeletCredentials creds = credentials;
        String missing = s.selectorError() != null ? s.selectorError()
                : cv == null ? "no ClusterView service is registered (kube-client bundle)"
                : st == null ? "no MetricsStore service is registered (store bundle)"
                : resolver == null ? "no AddressResolver strategy matching " + s.addressResolverTarget()
                        + " is registered (kubelet.addressResolver; is its address-* bundle installed and started?)"
                : creds == null ? "no KubeletCredentials strategy matching " + s.credentialsTarget()
                        + " is registered (kubelet.auth; is its kubelet-auth-* bundle installed and started?)"
                : tls == null && !s.insecureSkipTLSVerify() ? "no TlsMaterials service is registered (tls bundle)"
                : null;
        if (missing != null) {
            warnOnce(missing + "; skipping this scrape cycle");
            ownPods = null; // it holds the ClusterView that may just have gone, with all its pods
            releasePodList(); // nothing to make way for
            return;
        }
        KubeletHttpClient http;
        try {
            http = clients.get(s, tls, creds);
        } catch (TlsException | SSLException e) {
            warnOnce("cannot set up kubelet TLS with CA " + s.certificateAuthority() + ": " + e.getMessage()
                    + "; skipping this scrape cycle");
            releasePodList();
            return;
        }
        if (lastWarning != null) {
            LOG.info("scraping resumed");
            lastWarning = null;
        }
        List<NodeInfo> nodes = new ArrayList<>();
        for (NodeInfo n : cv.nodes()) {
            if (s.nodeSelector().matches(n.labels())) {
                nodes.add(n);
            }
        }
        Set<String> names = new HashSet<>(nodes.size() * 2);
        for (NodeInfo n : nodes) {
            names.add(n.name());
        }
        memory.retain(names);
        KubeletPins pins = clients.pins();
        if (pins != null) {
            pins.retain(names);
        }
        ForeignPodFilter filter = ownPods;
        if (filter == null || !filter.uses(cv, metrics.foreignPods())) {
            // another pod cache's versions say nothing about the old one's
            filter = new ForeignPodFilter(cv, metrics.foreignPods());
            ownPods = filter;
        }
        filter.retain(names);
        NodeScraper scraper = new NodeScraper(http, memory, interner, json, s.requestTimeoutMillis(), s.maxResponseBytes(),
                filter);
        concurrency.setMax(s.maxConcurrentScrapes());
        ScrapeCycle cycle = new ScrapeCycle(scraper, verifier, metrics, concurrency,
                TimeUnit.MILLISECONDS.toNanos(s.requestTimeoutMillis()) / 4, true, failureLog, carriedScrapes, phases);
        // leave a little of the resolution for storing, so a cycle never overlaps the next slot
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(s.resolutionMillis()) - TimeUnit.MILLISECONDS.toNanos(
                Math.min(500, s.resolutionMillis() / 10));
        ScrapeBatch batch = cycle.run(nodes, resolver, creds, deadline, st::storeNode, this::releasePodList);
        buffers.trim(); // before the store's end of cycle, whose end of a cold start collects the heap
        st.endCycle(batch.failedNodes());
        long containers = 0;
        for (NodeScrape scraped : batch.scraped()) {
            containers += scraped.containers().size();
        }
        if (!batch.scraped().isEmpty()) {
            // extrapolated to every selected node: a cold start scrapes a few hundred nodes per cycle, and each
            // name dropped from a too small cache comes back as a second copy of a name the store holds
            interner.fit((int) Math.min(Integer.MAX_VALUE, containers * nodes.size() / batch.scraped().size()));
        }
        http.closeIdle(3 * s.resolutionMillis());
        if (LOG.isDebugEnabled()) {
            LOG.debug("scrape cycle: {} nodes scraped, {} failed, {}", batch.scraped().size(), batch.failedNodes().size(),
                    GoDurations.ofMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
    }

    private void warnOnce(String message) {
        if (!Objects.equals(message, lastWarning)) {
            LOG.warn(message);
            lastWarning = message;
        }
    }

    @Override
    public String name() {
        return TIMELY;
    }

    @Override
    public Result check() {
        ScraperSettings s = settings;
        if (s == null) {
            return Result.OK;
        }
        return timely(tickRunningSince, lastTickStart, System.nanoTime(), s.resolutionMillis());
    }

    /**
     * Fails when the running tick started more than 1.5 × resolution ago, or when no tick has started
     * for 2.5 × resolution (the loop itself is stuck); upstream's message either way.
     */
    static Result timely(long runningSince, long lastStart, long now, long resolutionMillis) {
        long res = TimeUnit.MILLISECONDS.toNanos(resolutionMillis);
        if (runningSince != 0 && now - runningSince > res * 3 / 2) {
            return Result.failed("metric collection didn't finish on time");
        }
        if (runningSince == 0 && lastStart != 0 && now - lastStart > res * 5 / 2) {
            return Result.failed("metric collection didn't finish on time");
        }
        return Result.OK;
    }

    @Override
    public void writeTo(Appendable out) throws java.io.IOException {
        ScraperMetrics m = metrics;
        if (m != null) {
            m.writeTo(out);
        }
    }
}
