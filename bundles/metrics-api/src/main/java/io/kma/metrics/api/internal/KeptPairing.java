package io.kma.metrics.api.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The last full pod list's {@link PodHandles}, kept for the next full list only while full lists keep coming. A
 * pairing holds an array slot per pod and a handle on every pod's store series, so after a cluster shrank it kept
 * the large cluster's series alive, and an occasional {@code kubectl top pod -A} held its pairing for good. It is
 * dropped once {@link #IDLE_NANOS} passed without a full list: at the next request of any kind, or by a check that
 * runs {@link #IDLE_NANOS} after a pairing was kept (re-armed while full lists keep coming), so without any request
 * it goes within one to two idle periods. Losing it only costs the next full list one lookup per pod.
 */
final class KeptPairing {

    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final LongSupplier nanoTime;
    /** Runs a task {@link #IDLE_NANOS} later. */
    private final Executor afterIdle;
    private final AtomicBoolean checkPending = new AtomicBoolean();
    private volatile PodHandles kept;
    private volatile long lastUse;

    /** With the JDK's shared delay thread (a daemon; a pending check holds only this object, for at most a minute). */
    KeptPairing() {
        this(System::nanoTime, CompletableFuture.delayedExecutor(IDLE_NANOS, TimeUnit.NANOSECONDS));
    }

    KeptPairing(LongSupplier nanoTime, Executor afterIdle) {
        this.nanoTime = nanoTime;
        this.afterIdle = afterIdle;
    }

    /** The kept pairing for a full list, null when none is kept or it has been idle too long (then dropped). */
    PodHandles forFullList() {
        dropIfIdle();
        return kept;
    }

    /** Keeps the pairing a full list used, and arms the idle check unless one is pending. */
    void keep(PodHandles handles) {
        lastUse = nanoTime.getAsLong();
        kept = handles;
        armCheck();
    }

    /** Drops the pairing when no full list used it for {@link #IDLE_NANOS}; cheap, called on every request. */
    void dropIfIdle() {
        if (kept != null && nanoTime.getAsLong() - lastUse >= IDLE_NANOS) {
            kept = null;
        }
    }

    /** Drops the pairing now (its store was replaced). */
    void drop() {
        kept = null;
    }

    /** For tests: whether a pairing is kept. */
    boolean holds() {
        return kept != null;
    }

    private void armCheck() {
        if (checkPending.compareAndSet(false, true)) {
            afterIdle.execute(this::check);
        }
    }

    private void check() {
        checkPending.set(false);
        dropIfIdle();
        if (kept != null) {
            armCheck(); // used since the check was armed: look again one idle period later
        }
    }
}
