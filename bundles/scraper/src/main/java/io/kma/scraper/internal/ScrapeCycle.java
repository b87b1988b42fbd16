package io.kma.scraper.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;

/**
 * One scrape cycle over the selected nodes, run on the tick thread: resolves candidates, tells the
 * host-name verifier which node each address stands for, starts the scrapes with a small random
 * stagger (upstream's min(8 ms × nodes, 4 s)), never more in flight than the adaptive {@link ConcurrencyLimit}, waits
 * until all finished or the cycle's deadline, and returns the batch. Each successful node is handed to
 * the sink as soon as it is parsed (on the HTTP client's thread), so the store serves it at once instead
 * of at the end of the cycle. Failures are logged through {@link ScrapeFailureLog}: one summary per cycle,
 * one line per node when it starts failing and when it recovers.
 */
final class ScrapeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeCycle.class);

    private final NodeScraper scraper;
    private final NodeNameVerifier verifier;
    private final ScraperMetrics metrics;
    private final ConcurrencyLimit limit;
    private final long fastNanos;
    private final boolean jitter;
    private final ScrapeFailureLog failures;

    ScrapeCycle(NodeScraper scraper, NodeNameVerifier verifier, ScraperMetrics metrics, int maxConcurrent, boolean jitter) {
        this(scraper, verifier, metrics, new ConcurrencyLimit(maxConcurrent, 0), TimeUnit.SECONDS.toNanos(1), jitter,
                ScrapeFailureLog.forScrapeCycle());
    }

    /**
     * @param limit     the scraper's long-lived adaptive concurrency limit
     * @param fastNanos a scrape faster than this lets the limit grow (a quarter of the request timeout)
     * @param failures  the scraper's long-lived failure log (first failure, recovery, one summary per cycle)
     */
    ScrapeCycle(NodeScraper scraper, NodeNameVerifier verifier, ScraperMetrics metrics, ConcurrencyLimit limit,
            long fastNanos, boolean jitter, ScrapeFailureLog failures) {
        this.scraper = scraper;
        this.verifier = verifier;
        this.metrics = metrics;
        this.limit = limit;
        this.fastNanos = fastNanos;
        this.jitter = jitter;
        this.failures = failures;
    }

    /**
     * @param sink receives each node's successful scrape as it completes, until the cycle's deadline
     */
    ScrapeBatch run(List<NodeInfo> nodes, AddressResolver resolver, KubeletCredentials credentials, long deadlineNanos,
            Consumer<NodeScrape> sink) throws InterruptedException {
        int n = nodes.size();
        List<List<KubeletEndpoint>> candidates = new ArrayList<>(n);
        for (NodeInfo node : nodes) {
            List<KubeletEndpoint> c;
            try {
                c = resolver.resolve(node);
            } catch (RuntimeException e) {
                LOG.warn("address resolver failed for node {}: {}", node.name(), e.toString());
                c = List.of();
            }
            candidates.add(c == null ? List.of() : c);
        }
        verifier.expect(expectations(nodes, candidates));

        Integer[] order = new Integer[n];
        long[] offsets = new long[n];
        long spreadMillis = jitter ? Math.min(8L * n, 4000L) : 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            offsets[i] = spreadMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(spreadMillis);
        }
        Arrays.sort(order, Comparator.comparingLong(i -> offsets[i]));

        AtomicReferenceArray<NodeResult> results = new AtomicReferenceArray<>(n);
        List<CompletableFuture<NodeResult>> inFlight = new ArrayList<>(n);
        CountDownLatch done = new CountDownLatch(n);
        long cycleStart = System.nanoTime();
        boolean[] started = new boolean[n];
        AtomicBoolean closed = new AtomicBoolean();
        for (int k = 0; k < n; k++) {
            int i = order[k];
            long startAt = cycleStart + TimeUnit.MILLISECONDS.toNanos(offsets[i]);
            long wait = startAt - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, Math.max(0, deadlineNanos - System.nanoTime())));
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !limit.acquire(deadlineNanos)) {
                break;
            }
            NodeInfo node = nodes.get(i);
            CompletableFuture<NodeResult> f = scraper.scrape(node, candidates.get(i), credentials);
            inFlight.add(f);
            started[i] = true;
            long startedAt = System.nanoTime();
            f.whenComplete((r, e) -> {
                limit.release(System.nanoTime() - startedAt, r == null || r.outcome() == Outcome.TIMEOUT, fastNanos);
                if (r != null && r.failure() == null && !closed.get()) {
                    sink.accept(r.scrape());
                }
                results.set(i, r);
                done.countDown();
            });
        }
        done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        closed.set(true);
        // abort what is still running: its connections and permits are not carried into the next cycle
        scraper.abortAll();
        for (CompletableFuture<NodeResult> f : inFlight) {
            f.cancel(false);
        }

        List<NodeScrape> scraped = new ArrayList<>(n);
        Set<String> failed = new LinkedHashSet<>();
        Set<String> names = new HashSet<>(n * 2);
        double now = System.currentTimeMillis() / 1000.0;
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes.get(i);
            names.add(node.name());
            NodeResult r = results.get(i);
            String cause = null;
            if (r == null) {
                String url = candidates.get(i).isEmpty() ? "(no address)"
                        : "https://" + candidates.get(i).get(0).authority() + NodeScraper.RESOURCE_PATH;
                cause = started[i] ? "deadline" : "not_started";
                ScrapeFailure f = new ScrapeFailure(Outcome.TIMEOUT, url, started[i]
                        ? "timeout: did not finish within the scrape cycle's deadline ("
                                + Durations.format(TimeUnit.NANOSECONDS.toMillis(deadlineNanos - cycleStart)) + ")"
                        : "not started: the cycle's deadline passed while waiting for a free slot (adaptive limit "
                                + limit.limit() + ", maxConcurrentScrapes=" + limit.max() + ")", false);
                r = new NodeResult(node.name(), null, f, url, 0, System.nanoTime() - cycleStart);
            }
            metrics.nodeScraped(r, now);
            if (r.failure() == null) {
                scraped.add(r.scrape());
                failures.succeeded(node.name());
            } else {
                failed.add(node.name());
                failures.failed(node.name(), cause != null ? cause : r.failure().outcome.label,
                        "(" + r.url() + ") " + r.failure().getMessage() + (node.ready() ? "" : " (node is NotReady)"));
            }
        }
        failures.endCycle(n);
        metrics.retainNodes(names);
        return new ScrapeBatch(scraped, failed);
    }

    /** Dialled host (lower case) → the nodes dialled there, for {@link NodeNameVerifier#expect}. */
    static Map<String, List<NodeNameVerifier.Expected>> expectations(List<NodeInfo> nodes,
            List<List<KubeletEndpoint>> candidates) {
        Map<String, List<NodeNameVerifier.Expected>> expectations = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo node = nodes.get(i);
            NodeNameVerifier.Expected exp = new NodeNameVerifier.Expected(node.name(), acceptableNames(node));
            for (KubeletEndpoint e : candidates.get(i)) {
                expectations.computeIfAbsent(e.host().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(exp);
            }
        }
        return expectations;
    }

    /** The node's name and its Hostname addresses: the names its serving certificate is expected to carry. */
    static Set<String> acceptableNames(NodeInfo node) {
        Set<String> names = new LinkedHashSet<>();
        names.add(node.name());
        for (NodeAddress a : node.addresses()) {
            if ("Hostname".equals(a.type())) {
                names.add(a.address());
            }
        }
        return names;
    }
}
