package io.kma.scraper.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuses response buffers across scrapes: a kubelet body is tens of KiB and arrives every cycle, so
 * keeping a few grown buffers avoids re-growing one per node per cycle. Bounded in count and in the
 * size of buffers kept, so one huge response does not pin its buffer forever; and {@link #trim} drops,
 * once a cycle, the buffers that no scrape of that cycle needed. A start scrapes every node at once and
 * fills the pool (at 100 nodes × 70 pods, 55 buffers of 128 KiB: 7 MiB, half the heap's byte arrays),
 * while the steady state, each node at its own point of the cycle, has a few scrapes in flight.
 */
final class BufferPool {

    static final int INITIAL = 16 * 1024;

    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** The fewest buffers the pool held since the last trim: that many were never needed. */
    private final AtomicInteger fewestFree = new AtomicInteger();
    private final int maxBuffers;
    private final int maxKeptBytes;

    BufferPool(int maxBuffers, int maxKeptBytes) {
        this.maxBuffers = maxBuffers;
        this.maxKeptBytes = maxKeptBytes;
    }

    byte[] take() {
        byte[] b = free.poll();
        if (b == null) {
            fewestFree.set(0);
            return new byte[INITIAL];
        }
        fewestFree.accumulateAndGet(size.decrementAndGet(), Math::min);
        return b;
    }

    void give(byte[] b) {
        if (b == null || b.length > maxKeptBytes) {
            return;
        }
        if (size.incrementAndGet() > maxBuffers) {
            size.decrementAndGet();
            return;
        }
        free.offer(b);
    }

    /**
     * Drops the buffers that stayed in the pool since the last call (none when the pool ran empty) and
     * starts counting again; called once a cycle. Scrapes running meanwhile make the count approximate,
     * never wrong about a buffer: one taken is not in the pool.
     *
     * @return how many buffers were dropped
     */
    int trim() {
        int unused = Math.min(fewestFree.get(), size.get());
        int dropped = 0;
        while (dropped < unused && free.poll() != null) {
            size.decrementAndGet();
            dropped++;
        }
        fewestFree.set(size.get());
        return dropped;
    }
}
