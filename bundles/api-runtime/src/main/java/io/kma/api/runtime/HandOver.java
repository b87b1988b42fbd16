package io.kma.api.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step of the graceful stop at SIGTERM, before the framework stops: for example failing {@code /readyz} or taking
 * this host's address out of the Endpoints while the listener keeps serving. The launcher runs every registered
 * hand-over in parallel, each on its own thread, and stops the framework once all have returned.
 */
@ConsumerType
public interface HandOver {

    /**
     * Does this bundle's part of the hand-over and returns when it is done. Bounded in time by the implementation
     * (systemd's TimeoutStopSec ends the process otherwise); must not throw for expected failures.
     */
    void handOver();
}
