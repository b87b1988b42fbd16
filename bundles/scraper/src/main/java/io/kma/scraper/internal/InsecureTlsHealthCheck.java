package io.kma.scraper.internal;

import io.kma.api.http.HealthCheck;

/**
 * Registered only while insecureSkipTLSVerify is on: it passes, but being listed in /readyz?verbose
 * makes the insecure setting visible to whoever checks readiness.
 */
final class InsecureTlsHealthCheck implements HealthCheck {

    static final String NAME = "kubelet-insecure-tls";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() {
        return Result.OK;
    }
}
