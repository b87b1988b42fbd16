package io.kma.http.server.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Component;

import io.kma.api.metrics.MetricsSource;
import io.kma.shared.metrics.Histogram;

/**
 * The listener's self-metrics. A component of its own so that counters survive a listener restart
 * (a configuration change) and are registered as a {@link MetricsSource} for /metrics.
 */
@Component(service = {MetricsSource.class, HttpRequestMetrics.class})
public final class HttpRequestMetrics implements MetricsSource {

    static final String REQUESTS = "kube_metrics_appliance_http_requests_total";
    static final String DURATION = "kube_metrics_appliance_http_request_duration_seconds";

    /** Methods kept as label values; anything else a client sends is counted as "other" (bounded cardinality). */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "CONNECT", "TRACE");

    private record Key(String method, int code) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Histogram duration = new Histogram(Histogram.defaultBuckets());
    /** Requests answered 429 by the max-in-flight limit. */
    final LongAdder tooManyRequests = new LongAdder();
    /** Requests that ran past the request timeout (answered 504, or their connection closed). */
    final LongAdder timeouts = new LongAdder();
    /** Connections closed on accept by the total or per-client cap. */
    final LongAdder refusedConnections = new LongAdder();

    void record(String method, int code, long nanos) {
        String m = METHODS.contains(method) ? method : "other";
        requests.computeIfAbsent(new Key(m, code), k -> new LongAdder()).increment();
        duration.observe(nanos / 1e9);
    }

    @Override
    public void writeTo(Appendable out) throws IOException {
        out.append("# HELP ").append(REQUESTS).append(" [ALPHA] HTTPS requests answered, by method and status code.\n");
        out.append("# TYPE ").append(REQUESTS).append(" counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k.method() + "\u0000" + k.code(), v.sum()));
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            String[] parts = e.getKey().split("\u0000");
            out.append(REQUESTS).append("{method=\"").append(parts[0]).append("\",code=\"").append(parts[1])
                    .append("\"} ").append(Long.toString(e.getValue())).append('\n');
        }
        out.append("# HELP ").append(DURATION)
                .append(" [ALPHA] Time from the start of an HTTPS request to the end of its response, in seconds.\n");
        out.append("# TYPE ").append(DURATION).append(" histogram\n");
        duration.writeSamples(out, DURATION, "");
        counter(out, "kube_metrics_appliance_http_requests_rejected_inflight_total",
                "Requests answered 429 because maxRequestsInflight requests were being served.", tooManyRequests.sum());
        counter(out, "kube_metrics_appliance_http_request_timeouts_total",
                "Requests that ran past requestTimeout (answered 504, or their connection closed).", timeouts.sum());
        counter(out, "kube_metrics_appliance_http_connections_refused_total",
                "Connections closed on accept by maxConnections or maxConnectionsPerClient.", refusedConnections.sum());
    }

    private static void counter(Appendable out, String name, String help, long value) throws IOException {
        out.append("# HELP ").append(name).append(" [ALPHA] ").append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(Long.toString(value)).append('\n');
    }
}
