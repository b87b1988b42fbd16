package io.kma.http.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.http.HealthCheck;
import io.kma.api.http.HealthCheck.Result;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * {@code /livez}, {@code /readyz} and {@code /healthz}, composed of the {@link HealthCheck} services
 * that name the endpoint in {@link HealthCheck#ENDPOINTS}, ordered by {@link HealthCheck#ORDER}, with
 * the wire format of k8s.io/apiserver's healthz package. Checks are fast by contract, so they run on
 * the I/O thread.
 */
final class HealthEndpoints implements HttpHandler {

    static final List<String> ENDPOINTS = List.of("livez", "readyz", "healthz");

    private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);

    private record Registered(Object key, HealthCheck check, String name, Set<String> endpoints, int order, int ranking,
            long serviceId) {
    }

    private static final Comparator<Registered> LISTING = Comparator.comparingInt(Registered::order)
            .thenComparing(Comparator.comparingInt(Registered::ranking).reversed())
            .thenComparingLong(Registered::serviceId);

    private final Map<Object, Registered> registered = new HashMap<>(); // guarded by this
    private volatile Map<String, List<Registered>> byEndpoint = Map.of();
    private final ProbeFailureLog failures;

    HealthEndpoints() {
        this(System::nanoTime);
    }

    HealthEndpoints(LongSupplier nanoClock) {
        this.failures = new ProbeFailureLog(nanoClock);
    }

    /** Whether the path is exactly one of the endpoints: only those are anonymous, as upstream's AlwaysAllowPaths. */
    static boolean isEndpoint(String path) {
        return path.length() > 1 && ENDPOINTS.contains(path.substring(1));
    }

    /** The prefixes served, for the router to keep away from the whiteboard. */
    static List<String> paths() {
        return ENDPOINTS.stream().map(e -> "/" + e).toList();
    }

    synchronized void add(Object key, HealthCheck check, Map<String, ?> properties) {
        Set<String> endpoints = new LinkedHashSet<>();
        Object value = properties.get(HealthCheck.ENDPOINTS);
        if (value instanceof String s) {
            endpoints.add(s);
        } else if (value instanceof String[] a) {
            endpoints.addAll(List.of(a));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> endpoints.add(String.valueOf(o)));
        }
        endpoints.retainAll(ENDPOINTS);
        String name = check.name();
        if (endpoints.isEmpty()) {
            LOG.warn("Health check {} names no endpoint in {} (livez, readyz, healthz): not served", name,
                    HealthCheck.ENDPOINTS);
        }
        registered.put(key, new Registered(key, check, name, endpoints, number(properties.get(HealthCheck.ORDER), 500),
                number(properties.get("service.ranking"), 0), properties.get("service.id") instanceof Number n
                        ? n.longValue() : Long.MAX_VALUE));
        publish();
    }

    synchronized void remove(Object key) {
        if (registered.remove(key) != null) {
            publish();
        }
    }

    private void publish() {
        Map<String, List<Registered>> out = new HashMap<>();
        List<Registered> sorted = new ArrayList<>(registered.values());
        sorted.sort(LISTING);
        for (String endpoint : ENDPOINTS) {
            Set<String> names = new HashSet<>();
            List<Registered> list = new ArrayList<>();
            for (Registered r : sorted) {
                // Two services with one name (old and new version of a bundle during an update): list it once.
                if (r.endpoints().contains(endpoint) && names.add(r.name())) {
                    list.add(r);
                }
            }
            out.put(endpoint, List.copyOf(list));
        }
        byEndpoint = Map.copyOf(out);
    }

    private static int number(Object o, int fallback) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        if (o instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** The check names of an endpoint, in order. */
    List<String> names(String endpoint) {
        return byEndpoint.getOrDefault(endpoint, List.of()).stream().map(Registered::name).toList();
    }

    /** Runs the checks of {@code endpoint} as a request to it would; the names of those that failed, in order. */
    List<String> failing(String endpoint) {
        List<String> failed = new ArrayList<>();
        for (Registered r : byEndpoint.getOrDefault(endpoint, List.of())) {
            if (!run(r).ok()) {
                failed.add(r.name());
            }
        }
        return failed;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        for (String endpoint : ENDPOINTS) {
            String root = "/" + endpoint;
            if (path.equals(root)) {
                composite(exchange, endpoint);
                return;
            }
            if (path.startsWith(root + "/")) {
                single(exchange, endpoint, path.substring(root.length() + 1));
                return;
            }
        }
        Responses.notFound(exchange);
    }

    private void composite(HttpServerExchange exchange, String endpoint) {
        Map<String, Deque<String>> query = exchange.getQueryParameters();
        Set<String> excluded = new TreeSet<>(query.getOrDefault("exclude", new ArrayDeque<>()));
        StringBuilder listing = new StringBuilder();
        List<String> failed = new ArrayList<>();
        for (Registered r : byEndpoint.getOrDefault(endpoint, List.of())) {
            if (excluded.remove(r.name())) {
                listing.append("[+]").append(r.name()).append(" excluded: ok\n");
                continue;
            }
            Result result = run(r);
            if (result.ok()) {
                listing.append("[+]").append(r.name()).append(" ok\n");
            } else {
                // The endpoint is public: the reason goes to the log and to /<endpoint>/<name> only.
                listing.append("[-]").append(r.name()).append(" failed: reason withheld\n");
                failed.add(r.name());
            }
        }
        if (!excluded.isEmpty()) {
            listing.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", excluded.stream().map(HealthEndpoints::quoted).toList())).append('\n');
        }
        if (!failed.isEmpty()) {
            Responses.text(exchange, 500, listing + endpoint + " check failed\n");
        } else if (!query.containsKey("verbose")) {
            Responses.text(exchange, 200, "ok");
        } else {
            Responses.text(exchange, 200, listing + endpoint + " check passed\n");
        }
    }

    private void single(HttpServerExchange exchange, String endpoint, String name) {
        for (Registered r : byEndpoint.getOrDefault(endpoint, List.of())) {
            if (r.name().equals(name)) {
                Result result = run(r);
                if (result.ok()) {
                    Responses.text(exchange, 200, "ok");
                } else {
                    Responses.text(exchange, 500, "internal server error: " + result.reason() + "\n");
                }
                return;
            }
        }
        Responses.notFound(exchange);
    }

    private Result run(Registered r) {
        Result result;
        try {
            result = r.check().check();
            if (result == null) {
                result = Result.failed("check returned no result");
            }
        } catch (RuntimeException e) {
            result = Result.failed(e.toString());
        }
        if (!result.ok()) {
            failures.failed(r.name(), result.reason());
        }
        return result;
    }

    /** Go's %q for the plain names used here. */
    private static String quoted(String s) {
        return Responses.jsonString(s);
    }
}
