package io.kma.launcher;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.AllServiceListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

/**
 * Watches the config bundle's ConfigurationStatus service by object class and properties only: the launcher
 * has no class of any bundle. An AllServiceListener, because a plain ServiceListener drops the events when the
 * class path happens to hold another copy of the API class (as in tests).
 */
final class ConfigStatusWatch implements AllServiceListener {

    static final String OBJECT_CLASS = "io.kma.api.config.ConfigurationStatus";
    static final String STATE = "kma.config.state";
    static final String ERROR = "kma.config.error";
    static final String INVALID = "invalid";

    /** What the config bundle reported. */
    record Status(String state, String error) {
        boolean invalid() {
            return INVALID.equals(state);
        }
    }

    private final BundleContext context;
    private final CountDownLatch reported = new CountDownLatch(1);
    private volatile Status status;

    ConfigStatusWatch(BundleContext context) throws InvalidSyntaxException {
        this.context = context;
        context.addServiceListener(this, "(objectClass=" + OBJECT_CLASS + ")");
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED || event.getType() == ServiceEvent.MODIFIED) {
            record(event.getServiceReference());
        }
    }

    /** The first status the config bundle reports, or null if none came within the timeout. */
    Status await(long timeout, TimeUnit unit) throws InterruptedException {
        reported.await(timeout, unit);
        return status;
    }

    void close() {
        try {
            context.removeServiceListener(this);
        } catch (IllegalStateException frameworkGone) {
            // the listener went away with the framework
        }
    }

    private void record(ServiceReference<?> ref) {
        Object state = ref.getProperty(STATE);
        if (state == null) {
            return;
        }
        Object error = ref.getProperty(ERROR);
        status = new Status(state.toString(), error == null ? null : error.toString());
        reported.countDown();
    }
}
