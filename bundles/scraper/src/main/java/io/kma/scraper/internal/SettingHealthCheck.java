package io.kma.scraper.internal;

import io.kma.api.http.HealthCheck;

/**
 * A check that always passes and is registered only while a kubelet TLS setting is in force, so that
 * /readyz?verbose shows the setting to whoever checks readiness: {@value #INSECURE} (nothing verified) or
 * {@value #PINNING} (self-signed kubelet certificates pinned). A kubelet refused by its pin costs that node's
 * data (its scrape fails with the re-pin line, and doctor lists it), not the whole API's readiness.
 */
final class SettingHealthCheck implements HealthCheck {

    static final String INSECURE = "kubelet-insecure-tls";
    static final String PINNING = "kubelet-certificate-pinning";

    private final String name;

    SettingHealthCheck(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result check() {
        return Result.OK;
    }
}
