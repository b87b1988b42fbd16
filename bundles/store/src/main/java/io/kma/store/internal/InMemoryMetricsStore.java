package io.kma.store.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.config.Pids;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodSeriesRef;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;

/**
 * The in-memory {@link MetricsStore}: each node's scrape updates that node's series in place as soon as
 * it arrives (rates computed at write time, {@link SeriesIndex}); readers look usage up without locking,
 * in two hash lookups and no computation. Writers (the scraper's I/O threads and its tick thread) are
 * serialised by one lock, held for one node at a time.
 */
@Component(service = MetricsStore.class, configurationPid = Pids.STORE,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StoreConfiguration.class)
public final class InMemoryMetricsStore implements MetricsStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryMetricsStore.class);

    private final Object writeLock = new Object();
    private final StringInterner names = new StringInterner();
    private final SeriesIndex index = new SeriesIndex(names);
    private final HeapReturn heapReturn = new HeapReturn();
    /** Only for the DS component (the JVM's flags are the process's): null in tests that construct the store. */
    private ColdStartHeap coldStart;
    private CompletableFuture<Void> coldStartLimit;

    /** For tests: the series behind the store. */
    SeriesIndex index() {
        return index;
    }

    private volatile long resolutionNanos;
    private boolean wasReady;

    /** For DS. */
    public InMemoryMetricsStore() {
        this(15_000L);
    }

    InMemoryMetricsStore(long resolutionMillis) {
        this.resolutionNanos = resolutionMillis * 1_000_000L;
    }

    @Activate
    void activate(StoreConfiguration config) {
        resolutionNanos = config.resolutionMillis() * 1_000_000L;
        LOG.info("metrics store active, resolution {} ms", config.resolutionMillis());
        synchronized (writeLock) {
            coldStart = ColdStartHeap.begin();
            if (coldStart.cold()) {
                // on the JDK's shared delay thread, cancelled (and released) at deactivation; the collection it may
                // run goes to the common pool, not to the delay thread that other timeouts share
                coldStartLimit = new CompletableFuture<>();
                coldStartLimit.completeOnTimeout(null, ColdStartHeap.MAX_COLD_MINUTES, TimeUnit.MINUTES)
                        .thenRunAsync(this::coldStartTimeUp);
            }
        }
    }

    private void coldStartTimeUp() {
        synchronized (writeLock) {
            if (coldStart != null) {
                coldStart.timeUp();
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (writeLock) {
            if (coldStartLimit != null) {
                coldStartLimit.cancel(false);
            }
            if (coldStart != null) {
                coldStart.close();
            }
        }
    }

    /** A new resolution only changes the fresh-container rule from the next cycle on; no data is lost. */
    @Modified
    void modified(StoreConfiguration config) {
        long nanos = config.resolutionMillis() * 1_000_000L;
        if (nanos != resolutionNanos) {
            resolutionNanos = nanos;
            LOG.info("metrics store resolution changed to {} ms", config.resolutionMillis());
        }
    }

    @Override
    public void store(ScrapeBatch batch) {
        synchronized (writeLock) {
            if (batch.scraped() != null) {
                for (NodeScrape scrape : batch.scraped()) {
                    if (scrape != null && scrape.node() != null) {
                        index.store(scrape, resolutionNanos);
                    }
                }
            }
            endCycle(batch.failedNodes());
        }
    }

    @Override
    public void storeNode(NodeScrape scrape) {
        if (scrape == null || scrape.node() == null) {
            return;
        }
        synchronized (writeLock) {
            index.store(scrape, resolutionNanos);
        }
    }

    @Override
    public void endCycle(Set<String> failedNodes) {
        synchronized (writeLock) {
            long started = System.nanoTime();
            index.endCycle(failedNodes);
            logCycle(index, System.nanoTime() - started);
            index.resetCycleCounters();
            heapReturn.cycleEnded(index.servableContainers(), index.servableNodes());
            if (coldStart != null) {
                coldStart.cycleEnded(failedNodes, index.servableNodes());
            }
        }
    }

    private void logCycle(SeriesIndex s, long tookNanos) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("closed cycle in {} ms: {} nodes and {} pods ({} containers) servable", tookNanos / 1_000_000L,
                    s.servableNodes(), s.servablePods(), s.servableContainers());
        }
        if (s.decreased > 0) {
            LOG.info("{} series not served this cycle because their cpu counter or start time went down (restart), e.g. {}",
                    s.decreased, s.decreasedExample);
        }
        if (s.duplicates > 0) {
            LOG.warn("{} duplicate series in one scrape cycle ignored (the first wins), e.g. {}", s.duplicates,
                    s.duplicateExample);
        }
        if (s.carriedCount > 0) {
            // the scraper reports failed and still-pending nodes alike (a cold start's handshakes are pending, not failed)
            LOG.info("{} nodes without a new scrape this cycle (failed or still pending): their previous metrics are kept"
                    + " for this one cycle", s.carriedCount);
        }
        if (s.droppedAfterSecondFailure > 0) {
            LOG.warn("{} nodes without a new scrape two cycles in a row (failed or still pending): their metrics are dropped",
                    s.droppedAfterSecondFailure);
        }
        boolean ready = s.ready();
        if (ready != wasReady) {
            wasReady = ready;
            if (ready) {
                LOG.info("metrics store ready: {} nodes and {} pods servable", s.servableNodes(), s.servablePods());
            } else {
                LOG.warn("metrics store not ready: {}", notReadyReason(s));
            }
        }
    }

    static String notReadyReason(SeriesIndex s) {
        if (s.servableNodes() == 0 && s.servablePods() == 0) {
            return "no node and no pod metrics (one more successful scrape cycle is needed after start)";
        }
        if (s.servableNodes() == 0) {
            return "node metrics are missing, this may indicate a kubelet issue";
        }
        return "pod metrics are missing, this may indicate a container-runtime or kubelet issue";
    }

    @Override
    public Optional<NodeUsage> nodeUsage(String node) {
        NodeSeries series = index.node(node);
        return series == null ? Optional.empty() : Optional.ofNullable(series.usage());
    }

    @Override
    public Optional<PodUsage> podUsage(String namespace, String pod) {
        PodSeries series = index.pod(namespace, pod);
        return series == null ? Optional.empty() : Optional.ofNullable(series.usage());
    }

    /** The series itself is the handle: no object per pod, and no lookup while it is current. */
    @Override
    public PodSeriesRef podSeries(String namespace, String pod) {
        return index.pod(namespace, pod);
    }

    @Override
    public int nodeSeries() {
        return index.servableNodes();
    }

    @Override
    public int containerSeries() {
        return index.servableContainers();
    }

    @Override
    public boolean ready() {
        return index.ready();
    }
}
