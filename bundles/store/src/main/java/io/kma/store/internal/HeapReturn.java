package io.kma.store.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back to the host after the cluster shrank. The distribution's collector (serial) shrinks the
 * heap only at a full collection, and a full collection only comes when the old generation fills; after a
 * cluster lost most of its nodes the little that is still promoted may take hours to fill it, so the memory the
 * large cluster needed stayed committed. When the servable containers fall below half of their peak since the
 * last collection (a peak of at least {@link #MIN_PEAK}, so a small cluster's churn never triggers it) and the
 * servable nodes below half of theirs, one explicit collection runs {@link #SETTLE_CYCLES} cycles later: by then
 * the scraper has closed the idle connections of the removed kubelets (after three resolutions) and the informers
 * have dropped their objects.
 * The collection is the only pause it costs (tenths of a second at these live sizes), once per such shrink.
 * The node condition is there because containers alone also halve when most workloads are scaled down or
 * restarted on nodes that stay: their pods come back within minutes onto the same nodes and need the same heap,
 * so a collection then would pause the store for nothing. Only a cluster that lost its nodes really shrank.
 * Not thread-safe: called at the store's cycle end, under its write lock.
 */
final class HeapReturn {

    private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);

    /** 10,000 containers: ~70 nodes × 70 pods × 2; below that the heap is not worth a collection. */
    static final int MIN_PEAK = 10_000;
    static final int SETTLE_CYCLES = 5;

    private final Runnable collector;
    private final MemoryMXBean memory;
    private int peak;
    private int peakNodes;
    /** Cycles until the collection; 0 when none is due. */
    private int due;

    HeapReturn() {
        this(System::gc, ManagementFactory.getMemoryMXBean());
    }

    HeapReturn(Runnable collector, MemoryMXBean memory) {
        this.collector = collector;
        this.memory = memory;
    }

    /** At the end of each cycle, under the store's write lock (a collection stops every thread anyway). */
    void cycleEnded(int servableContainers, int servableNodes) {
        peak = Math.max(peak, servableContainers);
        peakNodes = Math.max(peakNodes, servableNodes);
        boolean shrunk = peak >= MIN_PEAK && servableContainers < peak / 2 && servableNodes < peakNodes / 2;
        if (!shrunk) {
            due = 0; // grew back, or never shrank
            return;
        }
        if (due == 0) {
            due = SETTLE_CYCLES;
            return;
        }
        if (--due > 0) {
            return;
        }
        long before = memory.getHeapMemoryUsage().getCommitted();
        long started = System.nanoTime();
        collector.run();
        long tookMillis = (System.nanoTime() - started) / 1_000_000L;
        long after = memory.getHeapMemoryUsage().getCommitted();
        LOG.info("the cluster shrank from {} to {} servable nodes ({} to {} containers): collected the heap to give"
                + " its memory back (committed {} -> {} MiB, {} ms)", peakNodes, servableNodes, peak,
                servableContainers, before >> 20, after >> 20, tookMillis);
        peak = servableContainers;
        peakNodes = servableNodes;
    }

    /** For tests: cycles until the collection, 0 when none is due. */
    int due() {
        return due;
    }
}
