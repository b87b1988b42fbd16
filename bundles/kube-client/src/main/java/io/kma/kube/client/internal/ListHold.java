package io.kma.kube.client.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds an informer's first list back until {@link #release() released}, or for at most a bound. The pod list of a
 * large cluster (350,000 pods at 5,000 nodes: seconds of CPU, and the JIT's largest compiles) competes with the
 * scraper's first scrapes, a TLS handshake with every kubelet, for the same cores; pods are not served before each
 * node's second scrape anyway. The bound keeps pods coming when nothing releases the hold (no scraper).
 */
final class ListHold {

    private final CountDownLatch released = new CountDownLatch(1);
    private final long maxMillis;

    ListHold(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /** Lets the list start now; later calls do nothing. */
    void release() {
        released.countDown();
    }

    boolean released() {
        return released.getCount() == 0;
    }

    /**
     * Waits for the release or the bound.
     *
     * @return true when released, false when the bound passed
     */
    boolean await() throws InterruptedException {
        return released.await(maxMillis, TimeUnit.MILLISECONDS);
    }
}
