package io.kma.http.server.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.runtime.HandOver;

/**
 * The listener's part of the launcher's SIGTERM hand-over: as kube-apiserver's, readyz fails at once while the
 * listener keeps serving through the shutdown delay. A service of its own, not a third interface of
 * {@link ShutdownCheck}: Felix shows the launcher only services whose every object class it can load, and it cannot
 * load this bundle's classes.
 */
@Component(service = HandOver.class)
public final class ShutdownHandOver implements HandOver {

    private final ShutdownCheck check;

    @Activate
    public ShutdownHandOver(@Reference ShutdownCheck check) {
        this.check = check;
    }

    @Override
    public void handOver() {
        check.markStopping();
    }
}
