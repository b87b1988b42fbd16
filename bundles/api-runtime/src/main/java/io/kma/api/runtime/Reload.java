package io.kma.api.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What SIGHUP ({@code systemctl reload}) does instead of ending the JVM: re-read the configuration now. The launcher
 * calls every registered reload, one after another, on its signal thread.
 */
@ConsumerType
public interface Reload {

    /** Starts the re-read and returns at once: the work happens on the implementation's own thread. */
    void reload();
}
