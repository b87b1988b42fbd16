package io.kma.scraper.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuses response buffers across scrapes: a kubelet body is tens of KiB and arrives every cycle, so
 * keeping a few grown buffers avoids re-growing one per node per cycle. Bounded in count and in the
 * size of buffers kept, so one huge response does not pin its buffer forever.
 */
final class BufferPool {

    static final int INITIAL = 16 * 1024;

    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int maxBuffers;
    private final int maxKeptBytes;

    BufferPool(int maxBuffers, int maxKeptBytes) {
        this.maxBuffers = maxBuffers;
        this.maxKeptBytes = maxKeptBytes;
    }

    byte[] take() {
        byte[] b = free.poll();
        if (b == null) {
            return new byte[INITIAL];
        }
        size.decrementAndGet();
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
}
