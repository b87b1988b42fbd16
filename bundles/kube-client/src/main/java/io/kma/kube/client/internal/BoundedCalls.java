package io.kma.kube.client.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.util.Timeout;

/**
 * The doctor's requests to kube-apiserver, each bounded by a deadline so that a run of {@link ApiServerDiagnosis}
 * ends in time whatever kube-apiserver does. Runs each request on a worker thread and waits for it until the
 * deadline at most; then cancels it. The client's own timeouts (connect 10 s, response set to what is left)
 * normally end it first. Closing shuts the workers down, interrupting any request still running.
 */
final class BoundedCalls implements AutoCloseable {

    /** One request, sent with the response timeout that is left and a tracker through which it can be cancelled. */
    interface Request<T> {
        T send(Timeout responseTimeout, ApiClient.CallTracker tracker) throws IOException;
    }

    final ApiClient client;
    /** Bound of each network step (the version request, all RBAC reviews together, the APIService). */
    final Duration timeout;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kma-kube-client-doctor");
        t.setDaemon(true);
        return t;
    });

    BoundedCalls(ApiClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** A deadline one {@link #timeout} from now; the requests of one step share it. */
    long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /** The request's answer; a {@link SocketTimeoutException} once the deadline has passed. */
    <T> T run(long deadline, Request<T> request) throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        AtomicReference<HttpUriRequestBase> inFlight = new AtomicReference<>();
        Timeout responseTimeout = Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        Future<T> f = workers.submit(() -> request.send(responseTimeout, inFlight::set));
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(f, inFlight);
            throw new SocketTimeoutException("deadline passed");
        } catch (InterruptedException e) {
            cancel(f, inFlight);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(FindingText.message(c), c);
        }
    }

    /** Aborts the HTTP request itself as well: interrupting the worker alone does not end a blocked socket read. */
    private static void cancel(Future<?> f, AtomicReference<HttpUriRequestBase> inFlight) {
        HttpUriRequestBase r = inFlight.get();
        if (r != null) {
            r.cancel();
        }
        f.cancel(true);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
