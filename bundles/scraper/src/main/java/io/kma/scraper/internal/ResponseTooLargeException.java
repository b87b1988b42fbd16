package io.kma.scraper.internal;

import java.io.IOException;

/** The kubelet's body exceeded maxResponseBytes; the exchange is aborted. */
final class ResponseTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    ResponseTooLargeException(long limit) {
        super("response larger than maxResponseBytes (" + limit + " bytes)");
    }
}
