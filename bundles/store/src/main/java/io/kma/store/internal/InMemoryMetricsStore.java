package io.kma.store.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.config.Pids;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;

/**
 * The in-memory {@link MetricsStore}: one writer per scrape cycle builds a new immutable
 * {@link Snapshot} (rates computed at write time), readers look usage up in the current snapshot
 * without locking, in two hash lookups and no computation.
 */
@Component(service = MetricsStore.class, configurationPid = Pids.STORE,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StoreConfiguration.class)
public final class InMemoryMetricsStore implements MetricsStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryMetricsStore.class);

    private final Object writeLock = new Object();
    private final StringInterner names = new StringInterner();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
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
            long started = System.nanoTime();
            SnapshotBuilder builder = new SnapshotBuilder(snapshot, resolutionNanos, names);
            Snapshot next = builder.build(batch);
            snapshot = next;
            logCycle(builder, next, System.nanoTime() - started);
        }
    }

    private void logCycle(SnapshotBuilder b, Snapshot s, long tookNanos) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("stored cycle in {} ms: {} nodes and {} pods ({} containers) servable", tookNanos / 1_000_000L,
                    s.servableNodes(), s.servablePods(), s.servableContainers());
        }
        if (b.decreased > 0) {
            LOG.info("{} series not served this cycle because their cpu counter or start time went down (restart), e.g. {}",
                    b.decreased, b.decreasedExample);
        }
        if (b.duplicates > 0) {
            LOG.warn("{} duplicate series in one scrape cycle ignored (the first wins), e.g. {}", b.duplicates,
                    b.duplicateExample);
        }
        if (b.carriedCount > 0) {
            LOG.info("{} nodes failed to scrape: their previous metrics are kept for this one cycle", b.carriedCount);
        }
        if (b.droppedAfterSecondFailure > 0) {
            LOG.warn("{} nodes failed to scrape twice in a row: their metrics are dropped", b.droppedAfterSecondFailure);
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

    static String notReadyReason(Snapshot s) {
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
        NodeSeries series = snapshot.node(node);
        return series == null ? Optional.empty() : Optional.ofNullable(series.usage());
    }

    @Override
    public Optional<PodUsage> podUsage(String namespace, String pod) {
        PodSeries series = snapshot.pod(namespace, pod);
        return series == null ? Optional.empty() : Optional.ofNullable(series.usage());
    }

    @Override
    public int nodeSeries() {
        return snapshot.servableNodes();
    }

    @Override
    public int containerSeries() {
        return snapshot.servableContainers();
    }

    @Override
    public boolean ready() {
        return snapshot.ready();
    }
}
