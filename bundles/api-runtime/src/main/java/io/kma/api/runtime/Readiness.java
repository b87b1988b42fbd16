package io.kma.api.runtime;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether this process serves {@code metrics.k8s.io}: the HTTPS listener is up, the API handler is on it and the
 * {@code /livez} checks pass. It does not wait for a scrape: a host that boots while kube-apiserver is down must
 * still start and answer 503 with a Status saying why. The launcher's systemd notification ({@code READY=1}) waits
 * for it. Registered by the bundle that owns the listener, only while a listener is configured.
 */
@ProviderType
public interface Readiness {

    /**
     * What serving still waits for, one line for systemd's STATUS= (for example
     * {@code waiting for the metrics.k8s.io API handler}); empty when serving. Fast and never blocking: it reads
     * in-process state only.
     */
    Optional<String> waitingFor();
}
