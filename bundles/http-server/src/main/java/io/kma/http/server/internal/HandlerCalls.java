package io.kma.http.server.internal;

import java.util.concurrent.TimeUnit;

/**
 * The requests inside one bound handler right now, so that removing the handler can wait for them. A request
 * is routed on an I/O thread and runs on a worker thread later (under load, tens of milliseconds later); without
 * this, a handler whose service was unregistered in between (its bundle being updated) was called after DS had
 * deactivated its component, and answered 503. Once closed, no request enters: it is routed again, to the
 * handler's successor or to the wait for one.
 */
final class HandlerCalls {

    private int inside; // guarded by this
    private boolean closed; // guarded by this

    /** False, and nothing entered, when the handler is being removed. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        inside++;
        return true;
    }

    synchronized void exit() {
        if (--inside == 0 && closed) {
            notifyAll();
        }
    }

    /**
     * Lets no request in any more, then waits until those inside have left, at most {@code timeoutNanos}.
     *
     * @return the requests still inside when the wait ended (0 unless it timed out or was interrupted)
     */
    synchronized int closeAndAwait(long timeoutNanos) {
        closed = true;
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            // Bounded by the deadline: each wait is for the time left, and the loop ends when none is.
            for (long left = timeoutNanos; inside > 0 && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return inside;
    }
}
