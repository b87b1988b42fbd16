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
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

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
