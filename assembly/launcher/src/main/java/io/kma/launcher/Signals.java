package io.kma.launcher;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP re-reads the configuration instead of ending the JVM (its default): the config bundle registers a
 * {@code Runnable} with {@code kma.signal=HUP}, found here by properties since the launcher has no bundle class.
 * SIGTERM is a graceful hand-over: every {@code Runnable} with {@code kma.signal=TERM} runs, in parallel (the
 * http-server fails {@code /readyz}, the registration bundle withdraws this host's address and keeps serving for
 * {@code server.shutdownDelay}); when all have returned the framework stops and the process exits 0.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    /** The longest a hand-over may hold the stop back; systemd's TimeoutStopSec (30 s in the unit) is the real bound. */
    static final long TERM_HANDLERS_MAX_MILLIS = 5 * 60_000L;

    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void reloadOnHangup(Framework framework) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> runHangupHandlers(framework));
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

    /** Runs every {@code kma.signal=TERM} handler in parallel and waits for all (at most {@link #TERM_HANDLERS_MAX_MILLIS}). */
    static void runTerminationHandlers(Framework framework) {
        BundleContext context = framework.getBundleContext();
        if (context == null) {
            return;
        }
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences(Runnable.class.getName(), "(kma.signal=TERM)");
        } catch (InvalidSyntaxException | IllegalStateException e) {
            LOG.warn("SIGTERM hand-over skipped: {}", Problems.describe(e));
            return;
        }
        if (refs == null) {
            return;
        }
        LOG.info("SIGTERM: handing over ({} handlers), then stopping", refs.length);
        java.util.List<Thread> running = new java.util.ArrayList<>();
        for (ServiceReference<?> ref : refs) {
            Thread t = new Thread(() -> {
                Object handler = context.getService(ref);
                try {
                    if (handler instanceof Runnable runnable) {
                        runnable.run();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("SIGTERM handler failed: {}", Problems.describe(e));
                } finally {
                    try {
                        context.ungetService(ref);
                    } catch (IllegalStateException stopped) {
                        // the framework is already stopping
                    }
                }
            }, "kma-sigterm-handler");
            t.setDaemon(true);
            t.start();
            running.add(t);
        }
        long deadline = System.nanoTime() + TERM_HANDLERS_MAX_MILLIS * 1_000_000L;
        for (Thread t : running) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void runHangupHandlers(Framework framework) {
        BundleContext context = framework.getBundleContext();
        if (context == null) {
            return;
        }
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(Runnable.class.getName(), "(kma.signal=HUP)");
            LOG.info("SIGHUP: re-reading the configuration");
            if (refs == null) {
                return;
            }
            for (ServiceReference<?> ref : refs) {
                Object handler = context.getService(ref);
                try {
                    if (handler instanceof Runnable runnable) {
                        runnable.run();
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            LOG.warn("SIGHUP not handled: {}", Problems.describe(e));
        }
    }
}
