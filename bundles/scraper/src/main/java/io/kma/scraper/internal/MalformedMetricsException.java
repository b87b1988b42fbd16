package io.kma.scraper.internal;

/** A kubelet response that cannot be parsed; the message says where and what, for the node's failure line. */
final class MalformedMetricsException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedMetricsException(String message) {
        // no stack trace: this is an expected, per-node failure reported in one line
        super(message, null, false, false);
    }
}
