package io.kma.http.server.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.http.HttpWhiteboard;
import io.kma.http.server.internal.RouteTable.Route;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * The handler whiteboard: handler services come and go (bind, unbind, updated) while the listener
 * stays open. Each change rebuilds an immutable {@link RouteTable} and swaps it in one volatile write,
 * so a request never sees a half-updated table and routing takes no lock.
 *
 * <p>A request for a prefix that was served before but has no handler right now (its bundle is being
 * updated) waits on a worker thread until a handler is bound, at most {@code waitBound}, and is then
 * served; after the bound it is answered 503 with a Kubernetes Status. A path no handler ever served
 * is answered 404 at once. A handler being removed takes no new request (it goes to the successor, or waits
 * for one), and its removal waits, bounded, for the requests inside it ({@link HandlerCalls}).
 *
 * <p>Handlers are invoked on an XNIO worker thread, never on an I/O thread, so they may block (for
 * example on a TokenReview).
 */
final class HandlerRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRoutes.class);
    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");

    /** One bound service: its handler, prefixes and rank among services claiming the same prefix. */
    private record Registration(Object key, HttpHandler handler, List<String> prefixes, int ranking, long serviceId,
            boolean identityHeaders, HandlerCalls calls) {

        boolean outranks(Registration other) {
            return ranking != other.ranking ? ranking > other.ranking : serviceId < other.serviceId;
        }
    }

    private final Duration waitBound;
    private final Set<String> reserved;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Object, Registration> registrations = new HashMap<>(); // guarded by lock
    private final Set<String> everServed = new LinkedHashSet<>(); // guarded by lock
    /* The last handler's identity-header flag per prefix, kept while the prefix waits for a new handler: a
       front-proxy request waiting through a bundle update must still reach it with its headers. */
    private final Map<String, Boolean> identityHeaders = new HashMap<>(); // guarded by lock
    private volatile RouteTable table = RouteTable.EMPTY;
    private volatile boolean closed;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(2));

    /**
     * @param waitBound how long a request waits for a handler of a prefix that had one before
     * @param reserved  prefixes this bundle serves itself (health); whiteboard claims on them are ignored
     */
    HandlerRoutes(Duration waitBound, Collection<String> reserved) {
        this.waitBound = waitBound;
        this.reserved = Set.copyOf(reserved);
    }

    /** Adds or replaces the service identified by {@code key}, with its current properties. */
    void bind(Object key, HttpHandler handler, Map<String, ?> properties) {
        List<String> prefixes = prefixes(properties.get(HttpWhiteboard.PATH_PREFIX), handler);
        lock.lock();
        try {
            Registration previous = registrations.get(key);
            // new properties of the same handler (updated): the requests inside it are still counted
            HandlerCalls calls = previous != null && previous.handler() == handler ? previous.calls() : new HandlerCalls();
            Registration registration = new Registration(key, handler, prefixes,
                    intProperty(properties.get("service.ranking")), longProperty(properties.get("service.id")),
                    Boolean.parseBoolean(String.valueOf(properties.get(HttpWhiteboard.REQUEST_HEADER_AUTHENTICATION))),
                    calls);
            registrations.put(key, registration);
            rebuild();
        } finally {
            lock.unlock();
        }
        LOG.info("Serving {} with {}", prefixes, handler.getClass().getName());
    }

    /**
     * Removes the service identified by {@code key}, then waits, at most the wait bound, for the requests inside its
     * handler to finish. DS calls this before it deactivates the handler's component, so a request already routed
     * to the handler is not served by a deactivated component; requests that have not entered go to its successor.
     */
    void unbind(Object key) {
        Registration removed;
        lock.lock();
        try {
            removed = registrations.remove(key);
            rebuild();
        } finally {
            lock.unlock();
        }
        if (removed != null) {
            // a listener going away has answered its waiting requests and drains its connections itself
            int left = removed.calls().closeAndAwait(closed ? 0 : waitBound.toNanos());
            if (left > 0) {
                LOG.info("Handler for {} gone with {} requests still running in it ({})", removed.prefixes(), left,
                        removed.handler().getClass().getName());
            } else {
                LOG.info("Handler for {} gone ({})", removed.prefixes(), removed.handler().getClass().getName());
            }
        }
    }

    /** Wakes every waiting request and answers it 503: the listener is going away. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void rebuild() {
        Map<String, Registration> best = new HashMap<>();
        for (Registration r : registrations.values()) {
            for (String prefix : r.prefixes()) {
                best.merge(prefix, r, (a, b) -> b.outranks(a) ? b : a);
            }
        }
        everServed.addAll(best.keySet());
        Map<String, Route> routes = new HashMap<>();
        for (String prefix : everServed) {
            Registration r = best.get(prefix);
            if (r != null) {
                identityHeaders.put(prefix, r.identityHeaders());
            }
            routes.put(prefix, new Route(prefix, r == null ? null : r.handler(), r == null ? null : r.calls(),
                    identityHeaders.getOrDefault(prefix, false)));
        }
        table = new RouteTable(routes);
        changed.signalAll();
    }

    /** Whether a handler serves exactly {@code prefix} now (not a shorter prefix above it). */
    boolean serves(String prefix) {
        Route route = table.lookup(prefix);
        return route != null && route.handler() != null && route.prefix().equals(prefix);
    }

    /**
     * Whether the handler for the path authenticates front-proxy requests itself. A prefix waiting for its
     * handler counts as not: the headers are removed, and the request is then refused as unauthenticated
     * rather than trusted.
     */
    boolean receivesIdentityHeaders(String path) {
        Route route = table.lookup(path);
        return route != null && route.identityHeaders();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        if (table.lookup(path) == null) {
            Responses.notFound(exchange);
        } else if (exchange.isInIoThread()) {
            exchange.dispatch(() -> serve(exchange, path));
        } else {
            serve(exchange, path);
        }
    }

    /**
     * Runs on a worker thread: calls the handler routed now. A prefix without one (its bundle is being updated)
     * waits, at most the wait bound, until a handler is bound; a handler being removed is not entered, and the
     * request is routed again.
     */
    private void serve(HttpServerExchange exchange, String path) {
        long start = System.nanoTime();
        long deadline = start + waitBound.toNanos();
        Route route = table.lookup(path);
        // Bounded by the deadline: a pass that cannot call a handler (none is bound, or the one found is being
        // removed and so no longer in the table) waits for one until the deadline, and a pass after the deadline
        // or the listener's close ends the loop.
        for (;;) {
            if (route == null) {
                Responses.notFound(exchange);
                return;
            }
            if (route.handler() != null && route.calls().enter()) {
                try {
                    invoke(exchange, route.handler());
                } finally {
                    route.calls().exit();
                }
                return;
            }
            if (closed || deadline - System.nanoTime() <= 0) {
                break;
            }
            route = awaitHandler(path, deadline);
        }
        long now = System.nanoTime();
        long last = lastUnavailableLog.get();
        // One line per second at most: during an outage every request lands here.
        if (now - last >= TimeUnit.SECONDS.toNanos(1) && lastUnavailableLog.compareAndSet(last, now)) {
            LOG.warn("No handler for {} after {} ms: answered 503", route.prefix(), TimeUnit.NANOSECONDS.toMillis(now - start));
        }
        exchange.getResponseHeaders().put(RETRY_AFTER, "1");
        Responses.status(exchange, 503, "ServiceUnavailable",
                "the server is currently unable to handle the request (no handler for " + route.prefix()
                        + " is available)");
    }

    private static void invoke(HttpServerExchange exchange, HttpHandler handler) {
        try {
            handler.handleRequest(exchange);
        } catch (Exception e) {
            if (exchange.isComplete()) {
                // Answered 504 meanwhile: the handler's late write failed, as upstream's post-timeout activity.
                LOG.debug("post-timeout activity on {}: {}", exchange.getRequestPath(), e.toString());
                return;
            }
            HandlerFailure.answer(exchange, e);
        }
    }

    /**
     * Waits until the path's route has a handler that takes requests, or the deadline passes, or the listener
     * closes.
     *
     * @return the route then: null when no prefix matches, a null handler when none came in time
     */
    private Route awaitHandler(String path, long deadline) {
        Route route = null;
        waiting.incrementAndGet();
        lock.lock();
        try {
            // Looked up under the lock that bind() holds while swapping the table: no wake-up is missed.
            route = table.lookup(path);
            // Bounded by the deadline: awaitNanos returns the time left, and the loop ends at zero.
            for (long remaining = deadline - System.nanoTime();
                    !closed && route != null && route.handler() == null && remaining > 0;
                    remaining = deadline - System.nanoTime()) {
                changed.awaitNanos(remaining);
                route = table.lookup(path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
            waiting.decrementAndGet();
        }
        return route;
    }

    private List<String> prefixes(Object value, HttpHandler handler) {
        List<String> raw = new ArrayList<>();
        if (value instanceof String s) {
            raw.add(s);
        } else if (value instanceof String[] array) {
            raw.addAll(List.of(array));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> raw.add(String.valueOf(o)));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String p : raw) {
            String prefix = RouteTable.normalize(p);
            if (prefix == null) {
                LOG.warn("Ignoring {}=\"{}\" of {}: a prefix starts with '/'", HttpWhiteboard.PATH_PREFIX, p,
                        handler.getClass().getName());
            } else if (reserved.contains(prefix)) {
                LOG.warn("Ignoring {}=\"{}\" of {}: served by the http-server bundle itself", HttpWhiteboard.PATH_PREFIX,
                        p, handler.getClass().getName());
            } else {
                out.add(prefix);
            }
        }
        return List.copyOf(out);
    }

    private static int intProperty(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }

    private static long longProperty(Object o) {
        return o instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }

    /** For tests and diagnostics: requests waiting for a handler right now. */
    int waitingRequests() {
        return waiting.get();
    }

    /** For tests and diagnostics: the prefixes known, served or not. */
    Set<String> knownPrefixes() {
        lock.lock();
        try {
            return new HashSet<>(everServed);
        } finally {
            lock.unlock();
        }
    }
}
