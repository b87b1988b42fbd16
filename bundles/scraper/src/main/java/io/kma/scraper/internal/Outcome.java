package io.kma.scraper.internal;

/** How one node's scrape ended; the label of kube_metrics_appliance_scrape_duration_seconds. */
enum Outcome {
    SUCCESS("success"),
    TIMEOUT("timeout"),
    CONNECT_ERROR("connect_error"),
    TLS_ERROR("tls_error"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    HTTP_ERROR("http_error"),
    PARSE_ERROR("parse_error"),
    TOO_LARGE("too_large");

    final String label;

    Outcome(String label) {
        this.label = label;
    }
}
