package io.kma.http.server.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

import io.undertow.io.AsyncSenderImpl;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * k8s.io/apiserver's max-in-flight and timeout filters for every request but the health endpoints:
 * beyond {@code maxRequestsInflight} requests being served, a request is answered 429 with
 * {@code Retry-After: 1}; a request not answered within {@code requestTimeout} is answered 504 with a
 * {@code Status}, or, when its response had already started, its connection is closed (upstream aborts
 * the stream). Both answers are upstream's bytes.
 */
final class RequestLimits {

    static final HttpString RETRY_AFTER = new HttpString("Retry-After");
    static final String TOO_MANY = "Too many requests, please try again later.\n";
    /** apimachinery's NewTimeoutError written with encoding/json by the timeout filter: no kind, no apiVersion. */
    static final String TIMEOUT_BODY = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Timeout: request did not "
            + "complete within the allotted timeout\",\"reason\":\"Timeout\",\"details\":{},\"code\":504}\n";

    private final Semaphore slots;
    private final int max;
    private final long timeoutMillis;
    private final HttpRequestMetrics metrics;

    RequestLimits(int maxRequestsInflight, Duration requestTimeout, HttpRequestMetrics metrics) {
        this.max = maxRequestsInflight;
        this.slots = new Semaphore(maxRequestsInflight);
        this.timeoutMillis = requestTimeout.toMillis();
        this.metrics = metrics;
    }

    boolean sameAs(ServerSettings.Limits limits) {
        return limits.maxRequestsInflight() == max && limits.requestTimeout().toMillis() == timeoutMillis;
    }

    /**
     * Takes a slot for the request and starts its deadline, both given back when the exchange completes.
     *
     * @return false when the request was answered 429
     */
    boolean admit(HttpServerExchange exchange) {
        if (!slots.tryAcquire()) {
            metrics.tooManyRequests.increment();
            exchange.getResponseHeaders().put(RETRY_AFTER, "1");
            Responses.text(exchange, 429, TOO_MANY);
            return false;
        }
        XnioExecutor.Key deadline = exchange.getIoThread().executeAfter(() -> expire(exchange), timeoutMillis,
                TimeUnit.MILLISECONDS);
        exchange.addExchangeCompleteListener((ex, next) -> {
            deadline.remove();
            slots.release();
            next.proceed();
        });
        return true;
    }

    /** On the connection's I/O thread, when the deadline passes. */
    private void expire(HttpServerExchange exchange) {
        if (exchange.isComplete()) {
            return;
        }
        metrics.timeouts.increment();
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        // The handler may still be running and write later: the connection is closed after this answer so
        // that a late write can never reach another request's response. Its write then fails (the exchange
        // is complete), which handlers log as post-timeout activity.
        exchange.setPersistent(false);
        exchange.setStatusCode(504);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Responses.TEXT_PLAIN);
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        // Never the exchange's own sender: in blocking mode (the handler called startBlocking) it would block
        // this I/O thread.
        new AsyncSenderImpl(exchange).send(TIMEOUT_BODY, StandardCharsets.UTF_8);
    }

    int inFlight() {
        return max - slots.availablePermits();
    }
}
