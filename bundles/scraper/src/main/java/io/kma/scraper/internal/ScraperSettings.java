package io.kma.scraper.internal;

import io.kma.shared.labels.LabelSelector;

/**
 * The configuration as the scraper uses it, validated once per (re)configuration.
 *
 * @param selectorError non-null when the node selector does not parse; ticks are then skipped
 * @param pinDirectory  where self-signed kubelet certificates are pinned; null when they are not (tlsVerification ca)
 */
record ScraperSettings(long resolutionMillis, long requestTimeoutMillis, int maxConcurrentScrapes, long maxResponseBytes,
        LabelSelector nodeSelector, String selectorError, String certificateAuthority, boolean insecureSkipTLSVerify,
        String addressResolverTarget, String credentialsTarget, String pinDirectory) {

    /** kubelet.tlsVerification: CA-signed certificates against the CA; self-signed ones pinned (the default). */
    static final String CA_OR_PIN = "caOrPin";
    /** kubelet.tlsVerification: only the CA; self-signed kubelet certificates fail. */
    static final String CA = "ca";

    static ScraperSettings of(ScraperConfig c) {
        LabelSelector selector = LabelSelector.everything();
        String error = null;
        try {
            selector = LabelSelector.parse(c.nodeSelector());
        } catch (IllegalArgumentException e) {
            error = "invalid nodeSelector \"" + c.nodeSelector() + "\": " + e.getMessage();
        }
        long resolution = Math.max(1000, c.resolutionMillis());
        long timeout = Math.max(100, c.requestTimeoutMillis());
        return new ScraperSettings(resolution, timeout, Math.max(1, c.maxConcurrentScrapes()),
                Math.max(1024, c.maxResponseBytes()), selector, error, c.certificateAuthority(),
                c.insecureSkipTLSVerify(), c.addressResolver_target(), c.credentials_target(),
                CA.equals(c.tlsVerification()) ? null : c.pinDirectory());
    }
}
