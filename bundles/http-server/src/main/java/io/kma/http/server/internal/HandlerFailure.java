package io.kma.http.server.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.undertow.server.HttpServerExchange;

/** A handler threw: a bug in that handler, logged with its stack trace, answered 500 when still possible. */
final class HandlerFailure {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerFailure.class);

    private HandlerFailure() {
    }

    static void answer(HttpServerExchange exchange, Exception e) {
        LOG.error("Handler failed on {} {}", exchange.getRequestMethod(), exchange.getRequestPath(), e);
        if (!exchange.isResponseStarted()) {
            Responses.status(exchange, 500, "InternalError", "an error on the server prevented the request from succeeding");
        } else {
            exchange.endExchange();
        }
    }
}
