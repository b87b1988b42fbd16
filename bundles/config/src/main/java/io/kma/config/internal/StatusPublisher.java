package io.kma.config.internal;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.kma.api.config.ConfigurationStatus;

/**
 * The ConfigurationStatus service. Its properties change at run time (valid, invalid, last rejected edit),
 * which DS cannot do for a component's own service, so it is registered through the bundle context.
 */
final class StatusPublisher {

    /** Extra property: the error of the last edit that was rejected while an earlier configuration stays applied. */
    static final String REJECTED = "kma.config.rejected";

    private final BundleContext context;
    private final String path;
    private ServiceRegistration<ConfigurationStatus> registration;

    StatusPublisher(BundleContext context, String path) {
        this.context = context;
        this.path = path;
    }

    synchronized void valid(String rejectedEdit) {
        Hashtable<String, Object> props = base(ConfigurationStatus.VALID);
        if (rejectedEdit != null) {
            props.put(REJECTED, rejectedEdit);
        }
        publish(props);
    }

    synchronized void invalid(String error) {
        Hashtable<String, Object> props = base(ConfigurationStatus.INVALID);
        props.put(ConfigurationStatus.ERROR, error);
        publish(props);
    }

    synchronized void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters everything of a stopping bundle itself
            }
            registration = null;
        }
    }

    private Hashtable<String, Object> base(String state) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ConfigurationStatus.PATH, path);
        props.put(ConfigurationStatus.STATE, state);
        return props;
    }

    private void publish(Hashtable<String, Object> props) {
        if (registration == null) {
            registration = context.registerService(ConfigurationStatus.class, new ConfigurationStatus() { }, props);
        } else {
            registration.setProperties(props);
        }
    }
}
