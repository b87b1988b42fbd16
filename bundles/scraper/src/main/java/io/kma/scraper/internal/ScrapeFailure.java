package io.kma.scraper.internal;

/**
 * Why one node's scrape failed, in words an operator can act on. {@code beforeRequest} is true when
 * the kubelet could not be connected (name resolution, refusal, connect timeout, TLS handshake), the
 * case in which the next candidate address is tried.
 */
final class ScrapeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    final Outcome outcome;
    final String url;
    final boolean beforeRequest;

    ScrapeFailure(Outcome outcome, String url, String message, boolean beforeRequest) {
        this(outcome, url, message, beforeRequest, null);
    }

    /**
     * @param cause the I/O or TLS failure classified, kept so that the doctor ({@link KubeletProbe}) can tell
     *              which step failed; never logged (the message already says it)
     */
    ScrapeFailure(Outcome outcome, String url, String message, boolean beforeRequest, Throwable cause) {
        // expected per-node failures are logged in one line; a stack trace would only add noise
        super(message, cause, false, false);
        this.outcome = outcome;
        this.url = url;
        this.beforeRequest = beforeRequest;
    }
}
