package io.kma.controlplane;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A client hammering the metrics API through kube-apiserver's aggregator with the real kubectl, one request after
 * the other, recording each failure with its time. Bounded: it stops by itself after {@code maxMillis}.
 */
final class ClientLoop implements AutoCloseable {
    record Failure(long atMillis, String output) {
    }

    private final ControlPlane cp;
    private final String path;
    private final long maxMillis;
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int requests;

    ClientLoop(ControlPlane cp, String path, long maxMillis) {
        this.cp = cp;
        this.path = path;
        this.maxMillis = maxMillis;
        this.thread = new Thread(this::loop, "client-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long end = System.currentTimeMillis() + maxMillis;
        while (!stopped && System.currentTimeMillis() < end) {
            long at = System.currentTimeMillis();
            try {
                Proc.Result r = cp.kubectl("get", "--raw", path, "--request-timeout=20s");
                if (!r.ok() || !r.output().contains("\"items\"")) {
                    failures.add(new Failure(at, r.output().strip()));
                }
            } catch (Exception e) {
                failures.add(new Failure(at, e.toString()));
                if (e instanceof InterruptedException) {
                    return;
                }
            }
            requests++;
        }
    }

    int requests() {
        return requests;
    }

    /** Failures of requests that started at or after {@code fromMillis}. */
    List<Failure> failuresSince(long fromMillis) {
        synchronized (failures) {
            return failures.stream().filter(f -> f.atMillis() >= fromMillis).toList();
        }
    }

    List<Failure> failures() {
        return failuresSince(0);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
    }
}
