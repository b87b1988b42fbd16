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
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * host-name verifier which node each address stands for, starts the scrapes spread over the cycle (nodes
 * scraped before at a fixed phase each, {@link ScrapePhases}, over min(8 ms × nodes, two thirds of the cycle), those
 * with one sample so far first; first scrapes, each a TLS handshake, at random over up to two thirds of the
 * cycle), never more in flight
 * than the adaptive {@link ConcurrencyLimit}, waits until all finished
 * or the cycle's deadline, and returns the batch. Each successful node is handed to the sink as soon as it
 * is parsed (on the HTTP client's thread), so the store serves it at once instead of at the end of the
 * cycle. A scrape still running at the deadline is not aborted but carried into the next cycle
 * ({@link CarriedScrapes}); it and a node not started for want of a slot are pending, not failed. Failures
 * are logged through {@link ScrapeFailureLog}: one summary per cycle, one line per node when it starts
 * failing and when it recovers.
 */
final class ScrapeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeCycle.class);
    /**
     * Nodes due within this much of now start at once instead of after a sleep each: a sleep cost this VM 35-50 us
     * of CPU, so one per node was ~0.01 cores of the tick thread at 5,000 nodes (2 ms apart); ~20 ms batches keep
     * the spread's point (no burst of hundreds of scrapes) with a tenth of the sleeps.
     */
    static final long START_TOGETHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final NodeScraper scraper;
    private final NodeNameVerifier verifier;
    private final ScraperMetrics metrics;
    private final ConcurrencyLimit limit;
    private final long fastNanos;
    private final boolean jitter;
    private final ScrapeFailureLog failures;
    private final CarriedScrapes first;
    private final ScrapePhases phases;

    /** Start groups, in start order: see {@link #startOrder}. */
    static final int CARRIED = 0;
    static final int SECOND = 1;
    static final int KNOWN = 2;
    static final int NEW = 3;

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int LATE = 2;

    ScrapeCycle(NodeScraper scraper, NodeNameVerifier verifier, ScraperMetrics metrics, int maxConcurrent, boolean jitter) {
        this(scraper, verifier, metrics, new ConcurrencyLimit(maxConcurrent, 0), TimeUnit.SECONDS.toNanos(1), jitter,
                ScrapeFailureLog.forScrapeCycle(), new CarriedScrapes(), new ScrapePhases(0));
    }

    /**
     * @param limit     the scraper's long-lived adaptive concurrency limit
     * @param fastNanos a scrape faster than this lets the limit grow (a quarter of the request timeout)
     * @param failures  the scraper's long-lived failure log (first failure, recovery, one summary per cycle)
     * @param first     the scraper's long-lived record of nodes scraped before and of scrapes carried over
     * @param phases    the scraper's long-lived phase of each node within the spread
     */
    ScrapeCycle(NodeScraper scraper, NodeNameVerifier verifier, ScraperMetrics metrics, ConcurrencyLimit limit,
            long fastNanos, boolean jitter, ScrapeFailureLog failures, CarriedScrapes first, ScrapePhases phases) {
        this.first = first;
        this.phases = phases;
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
        return run(nodes, resolver, credentials, deadlineNanos, sink, () -> { });
    }

    /**
     * @param sink           receives each node's successful scrape as it completes, until the cycle's deadline
     * @param everyNodeTried runs (on the thread that took the last of them, or at once when there is none) once every
     *                       node scraped for the first time in this cycle has an outcome in time; never when one is
     *                       still running or not started at the deadline
     */
    ScrapeBatch run(List<NodeInfo> nodes, AddressResolver resolver, KubeletCredentials credentials, long deadlineNanos,
            Consumer<NodeScrape> sink, Runnable everyNodeTried) throws InterruptedException {
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
        List<String> names = new ArrayList<>(n);
        for (NodeInfo node : nodes) {
            names.add(node.name());
        }
        Set<String> selected = new HashSet<>(names);
        first.retain(selected);

        StartPlan plan = plan(names, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNanos - System.nanoTime())),
                jitter, first, phases);
        long[] offsets = plan.offsets();
        Integer[] order = startOrder(plan.groups(), offsets);
        int notStartedFrom = n;

        // first scrapes (TLS handshakes) without an outcome yet: the cold start's work
        boolean[] firstScrape = new boolean[n];
        int firstScrapes = 0;
        for (int i = 0; i < n; i++) {
            firstScrape[i] = !first.finishedBefore(names.get(i));
            firstScrapes += firstScrape[i] ? 1 : 0;
        }
        AtomicInteger firstScrapesLeft = new AtomicInteger(firstScrapes);
        if (firstScrapes == 0) {
            everyNodeTried.run();
        }
        AtomicReferenceArray<NodeResult> results = new AtomicReferenceArray<>(n);
        @SuppressWarnings("unchecked")
        CompletableFuture<NodeResult>[] futures = new CompletableFuture[n];
        // per node: RUNNING until its result is taken in time (DONE) or the cycle ends first (LATE)
        AtomicIntegerArray state = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        long cycleStart = System.nanoTime();
        for (int k = 0; k < n; k++) {
            int i = order[k];
            NodeInfo node = nodes.get(i);
            CompletableFuture<NodeResult> f = first.takeCarried(node.name());
            if (f == null) {
                long startAt = cycleStart + TimeUnit.MILLISECONDS.toNanos(offsets[i]);
                long wait = startAt - System.nanoTime();
                if (wait > START_TOGETHER_NANOS) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, Math.max(0, deadlineNanos - System.nanoTime())));
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0 || !limit.acquire(deadlineNanos)) {
                    notStartedFrom = k;
                    break;
                }
                f = scraper.scrape(node, candidates.get(i), credentials);
                long startedAt = System.nanoTime();
                f.whenComplete((r, e) -> limit.release(System.nanoTime() - startedAt,
                        r == null || r.outcome() == Outcome.TIMEOUT, fastNanos));
            }
            futures[i] = f;
            f.whenComplete((r, e) -> {
                if (state.compareAndSet(i, RUNNING, DONE)) {
                    if (r != null && r.failure() == null) {
                        sink.accept(r.scrape());
                        // stored: keep no samples until the cycle ends (they would outlive several young
                        // collections and be promoted, to die in the old generation: a full collection per 3 cycles)
                        r = r.stored();
                        futures[i] = null;
                    }
                    results.set(i, r); // never null: a scrape's future does not complete exceptionally
                    // before the count-down: a cycle whose last first scrape this is ends after the release
                    try {
                        if (firstScrape[i] && firstScrapesLeft.decrementAndGet() == 0) {
                            everyNodeTried.run();
                        }
                    } finally {
                        done.countDown();
                    }
                }
            });
        }
        List<String> notStarted = new ArrayList<>();
        for (int k = notStartedFrom; k < n; k++) {
            notStarted.add(nodes.get(order[k]).name()); // carried scrapes come first in the order: none of these
        }
        phases.notStarted(notStarted);
        done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        // nothing is aborted at the deadline: a scrape still running (a cold start's TLS handshake, a slow
        // kubelet) is bounded by kubelet.requestTimeout and its result, still fresh, goes to the next cycle
        for (int i = 0; i < n; i++) {
            if (futures[i] != null && state.compareAndSet(i, RUNNING, LATE)) {
                first.carry(nodes.get(i).name(), futures[i]);
            }
        }

        List<NodeScrape> scraped = new ArrayList<>(n);
        // failed nodes, and pending nodes scraped before: the store keeps their previous points for one cycle
        Set<String> failed = new LinkedHashSet<>();
        double now = System.currentTimeMillis() / 1000.0;
        int pending = 0;
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes.get(i);
            NodeResult r = state.get(i) == DONE ? awaitResult(results, i) : null;
            if (r == null) {
                // still running (carried into the next cycle) or not started for want of a slot before the
                // deadline: not the kubelet's failure, so pending, not failed
                pending++;
                failures.pending(node.name(), futures[i] != null);
                if (first.finishedBefore(node.name())) {
                    failed.add(node.name());
                }
                continue;
            }
            first.finished(node.name());
            metrics.nodeScraped(r, now);
            if (r.failure() == null) {
                first.succeeded(node.name());
                scraped.add(r.scrape());
                failures.succeeded(node.name());
            } else {
                failed.add(node.name());
                failures.failed(node.name(), r.failure().outcome.label,
                        "(" + r.url() + ") " + r.failure().getMessage() + (node.ready() ? "" : " (node is NotReady)"));
            }
        }
        metrics.pendingNodes(pending);
        failures.endCycle(n);
        metrics.retainNodes(selected);
        return new ScrapeBatch(scraped, failed);
    }

    /** Each node's start group ({@link #startOrder}) and its start offset from the cycle's start, in ms. */
    record StartPlan(int[] groups, long[] offsets) {
    }

    /**
     * Groups the nodes and spreads their starts over the cycle.
     *
     * @param names       the cycle's nodes
     * @param cycleMillis the time until the cycle's deadline
     * @param jitter      whether starts are spread at all (not in tests that want every node at once)
     */
    static StartPlan plan(List<String> names, long cycleMillis, boolean jitter, CarriedScrapes first,
            ScrapePhases phases) {
        int n = names.size();
        // upstream's 8 ms a node, over at most two thirds of the cycle instead of upstream's 4 s: at 5,000 nodes
        // a 4 s burst keeps hundreds of scrapes in flight for the I/O threads to work through
        long maxSpread = jitter ? cycleMillis * 2 / 3 : 0;
        long spreadMillis = Math.min(8L * n, maxSpread);
        int[] groups = new int[n];
        int firstTimers = 0;
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            groups[i] = first.hasCarried(name) ? CARRIED
                    : first.sampledOnce(name) ? SECOND : first.finishedBefore(name) ? KNOWN : NEW;
            firstTimers += first.finishedBefore(name) ? 0 : 1;
        }
        // a first scrape is a TLS handshake: at 10 ms each they get two thirds of the cycle instead of all
        // starting within upstream's 4 s, so a cold start's handshakes do not all compete for the CPU at once
        long firstSpreadMillis = Math.max(spreadMillis, Math.min(10L * firstTimers, maxSpread));
        // the spread over the nodes scraped before: all of them in the steady state; on a cold start the few
        // scraped so far, within upstream's 4 s, since the first scrapes start after them (startOrder) and would
        // otherwise wait for the whole spread to pass
        // (a few new nodes, a join, keep the steady state's spread: they only start after it)
        boolean coldStart = firstTimers * 4L > n;
        long knownSpreadMillis = Math.min(8L * (n - firstTimers), coldStart ? Math.min(4000L, maxSpread) : maxSpread);
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            if (groups[i] == SECOND) {
                // second samples at once, as fast as the concurrency limit lets them: a node is served from its
                // second, so the last of a cold start's handshakes (the cycle before) become servable at this
                // cycle's start, not a spread later; each is a request on the connection its first scrape left open
                // (a fraction of a millisecond of CPU)
                offsets[i] = 0;
            } else if (groups[i] == KNOWN) {
                // a known node the last cycle could not start (no slot before its deadline) starts first this
                // time, so the fixed order never leaves the same nodes behind cycle after cycle
                offsets[i] = phases.wasNotStarted(name) ? 0 : phases.offsetMillis(name, knownSpreadMillis);
            } else if (groups[i] == NEW && firstSpreadMillis > 0) {
                offsets[i] = ThreadLocalRandom.current().nextLong(firstSpreadMillis);
            }
        }
        return new StartPlan(groups, offsets);
    }

    /**
     * The order in which the cycle starts its nodes: scrapes carried from the last cycle (already running,
     * so that no deadline leaves them behind), then nodes with one sample (served from their next one), then the
     * other nodes scraped before (a kept-alive connection, a fraction of a millisecond of CPU each), then first scrapes (a TLS handshake each, milliseconds of CPU), each group
     * by its offset. On a cold start whose handshakes cannot all finish in one cycle, the nodes that have
     * one sample get their second before any slot or CPU goes to another handshake: interleaved by offset alone,
     * known nodes waited behind handshakes for slots, stayed pending twice, and the store dropped their first
     * sample, so their handshake was wasted. A first scrape whose offset passed while the known nodes were
     * started starts at once, within the concurrency limit.
     *
     * @param groups  per node {@link #CARRIED}, {@link #SECOND}, {@link #KNOWN} or {@link #NEW}
     * @param offsets per node its start offset from the cycle's start, in ms
     * @return node indexes in start order
     */
    static Integer[] startOrder(int[] groups, long[] offsets) {
        Integer[] order = new Integer[groups.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> groups[i]).thenComparingLong(i -> offsets[i]));
        return order;
    }

    private static String url(List<KubeletEndpoint> candidates) {
        return candidates.isEmpty() ? "(no address)"
                : "https://" + candidates.get(0).authority() + NodeScraper.RESOURCE_PATH;
    }

    /**
     * The result of a node taken in time: set by the completing thread right after it handed the scrape to
     * the sink, so this waits (briefly, bounded) for that hand-over to finish before the cycle closes.
     */
    private static NodeResult awaitResult(AtomicReferenceArray<NodeResult> results, int i) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        NodeResult r;
        while ((r = results.get(i)) == null && System.nanoTime() < until) {
            LockSupport.parkNanos(100_000);
        }
        return r;
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
