package io.kma.launcher;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.runtime.HandOver;
import io.kma.api.runtime.Reload;

/**
 * SIGHUP re-reads the configuration instead of ending the JVM (its default): every {@link Reload} service runs (the
 * config bundle's). SIGTERM is a graceful hand-over: every {@link HandOver} service runs, in parallel (the http-server
 * fails {@code /readyz}, the registration bundle withdraws this host's address and keeps serving for
 * {@code server.shutdownDelay}); when all have returned the framework stops and the process exits 0. Both sets are
 * followed with service trackers from start to stop, so a signal sees the services registered at that moment.
 */
final class Signals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    /** The longest a hand-over may hold the stop back; systemd's TimeoutStopSec (30 s in the unit) is the real bound. */
    static final long HAND_OVER_MAX_MILLIS = 5 * 60_000L;

    private final ServiceTracker<HandOver, HandOver> handOvers;
    private final ServiceTracker<Reload, Reload> reloads;
    private final long handOverMaxMillis;

    Signals(BundleContext context) {
        this(context, HAND_OVER_MAX_MILLIS);
    }

    /** Follows the framework's hand-over and reload services; null when it already stopped (an invalid configuration). */
    static Signals open(Framework framework) {
        BundleContext context = framework.getBundleContext();
        if (context == null) {
            return null;
        }
        try {
            return new Signals(context);
        } catch (IllegalStateException stopped) {
            return null;
        }
    }

    Signals(BundleContext context, long handOverMaxMillis) {
        this.handOvers = new ServiceTracker<>(context, HandOver.class, null);
        this.reloads = new ServiceTracker<>(context, Reload.class, null);
        this.handOverMaxMillis = handOverMaxMillis;
        handOvers.open();
        reloads.open();
    }

    @SuppressWarnings("restriction")
    void reloadOnHangup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("SIGHUP handling unavailable: {}", e.getMessage());
        }
    }

    /**
     * Handles SIGTERM with {@code onTerm} instead of the JVM's exit (which would skip the hand-over and exit 143);
     * returns false when the JVM does not allow it (the shutdown hook then stops the framework).
     */
    @SuppressWarnings("restriction")
    static boolean handOverOnTerm(Runnable onTerm) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                Thread t = new Thread(onTerm, "kma-sigterm");
                t.start();
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("SIGTERM handling unavailable: {}", e.getMessage());
            return false;
        }
    }

    /** Runs every {@link HandOver} in parallel and waits for all (at most {@link #HAND_OVER_MAX_MILLIS}). */
    void handOver() {
        HandOver[] all = handOvers.getServices(new HandOver[0]);
        if (all.length == 0) {
            return;
        }
        LOG.info("SIGTERM: handing over ({} handlers), then stopping", all.length);
        List<Thread> running = new ArrayList<>();
        for (HandOver handOver : all) {
            Thread t = new Thread(() -> {
                try {
                    handOver.handOver();
                } catch (RuntimeException e) {
                    LOG.warn("SIGTERM handler failed: {}", Problems.describe(e));
                }
            }, "kma-sigterm-handler");
            t.setDaemon(true);
            t.start();
            running.add(t);
        }
        long deadline = System.nanoTime() + handOverMaxMillis * 1_000_000L;
        for (Thread t : running) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs every {@link Reload}, one after another (each only starts its re-read). */
    void reload() {
        LOG.info("SIGHUP: re-reading the configuration");
        for (Reload reload : reloads.getServices(new Reload[0])) {
            try {
                reload.reload();
            } catch (RuntimeException e) {
                LOG.warn("SIGHUP not handled: {}", Problems.describe(e));
            }
        }
    }

    @Override
    public void close() {
        for (ServiceTracker<?, ?> tracker : List.of(handOvers, reloads)) {
            try {
                tracker.close();
            } catch (IllegalStateException frameworkGone) {
                // the trackers' listeners went away with the framework
            }
        }
    }
}
