package io.kma.scraper.internal;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.kma.shared.metrics.Histogram;

/**
 * The scraper's self-metrics: upstream's four metrics_server_* families with their exact names,
 * types, labels and buckets (reference §4.9), plus ours. Per-node series of nodes that left the
 * cluster are dropped ({@link #retainNodes}), which upstream never does.
 */
final class ScraperMetrics {

    private final Map<String, Histogram> requestDuration = new ConcurrentHashMap<>();
    private final LongAdder requestsOk = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final Map<String, Double> lastRequest = new ConcurrentHashMap<>();
    private final Map<String, Double> lastSuccess = new ConcurrentHashMap<>();
    private final Map<Outcome, Histogram> scrapeDuration = new EnumMap<>(Outcome.class);
    private volatile Histogram tickDuration;
    private volatile long tickResolutionMillis;
    private final Map<String, LongAdder> foreignPods = new ConcurrentHashMap<>();
    /** Nodes whose scrape had not finished when the last cycle ended (not failures). */
    private volatile int pendingNodes;

    ScraperMetrics(long resolutionMillis) {
        for (Outcome o : Outcome.values()) {
            scrapeDuration.put(o, new Histogram(Histogram.defaultBuckets()));
        }
        resolution(resolutionMillis);
    }

    /** Upstream's BucketsForScrapeDuration: DefBuckets plus [10+(R−10)/2, R, 1.5R, 2R] when R > 10 s. */
    static double[] bucketsForScrapeDuration(long resolutionMillis) {
        double[] def = Histogram.defaultBuckets();
        double r = resolutionMillis / 1000.0;
        if (r <= 10) {
            return def;
        }
        double[] b = new double[def.length + 4];
        System.arraycopy(def, 0, b, 0, def.length);
        b[def.length] = 10 + (r - 10) / 2;
        b[def.length + 1] = r;
        b[def.length + 2] = 1.5 * r;
        b[def.length + 3] = 2 * r;
        return b;
    }

    /** Re-buckets the tick histogram when the resolution changes (counts restart, as after a restart upstream). */
    void resolution(long resolutionMillis) {
        if (tickDuration == null || resolutionMillis != tickResolutionMillis) {
            tickResolutionMillis = resolutionMillis;
            tickDuration = new Histogram(bucketsForScrapeDuration(resolutionMillis));
        }
    }

    void nodeScraped(NodeResult r, double nowSeconds) {
        double seconds = r.durationNanos() / 1e9;
        requestDuration.computeIfAbsent(r.node(), n -> new Histogram(Histogram.defaultBuckets())).observe(seconds);
        (r.failure() == null ? requestsOk : requestsFailed).increment();
        lastRequest.put(r.node(), nowSeconds);
        if (r.failure() == null) {
            lastSuccess.put(r.node(), nowSeconds);
        }
        scrapeDuration.get(r.outcome()).observe(seconds);
    }

    /** Nodes without a result at the end of a cycle: scrape still running (carried over) or not started. */
    void pendingNodes(int count) {
        pendingNodes = count;
    }

    void tick(double seconds) {
        tickDuration.observe(seconds);
    }

    /** Reporting node → pods it reported for another node, filled by {@link ForeignPodFilter}. */
    Map<String, LongAdder> foreignPods() {
        return foreignPods;
    }

    void retainNodes(Set<String> nodes) {
        foreignPods.keySet().retainAll(nodes);
        requestDuration.keySet().retainAll(nodes);
        lastRequest.keySet().retainAll(nodes);
        lastSuccess.keySet().retainAll(nodes);
    }

    void writeTo(Appendable out) throws IOException {
        String name = "metrics_server_kubelet_request_duration_seconds";
        header(out, name, "[ALPHA] Duration of requests to Kubelet API in seconds", "histogram");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(requestDuration).entrySet()) {
            e.getValue().writeSamples(out, name, "node=\"" + escape(e.getKey()) + "\"");
        }
        name = "metrics_server_kubelet_request_total";
        header(out, name, "[ALPHA] Number of requests sent to Kubelet API", "counter");
        out.append(name).append("{success=\"false\"} ").append(Long.toString(requestsFailed.sum())).append('\n');
        out.append(name).append("{success=\"true\"} ").append(Long.toString(requestsOk.sum())).append('\n');
        name = "metrics_server_kubelet_last_request_time_seconds";
        header(out, name, "[ALPHA] Time of last request performed to Kubelet API since unix epoch in seconds", "gauge");
        gauges(out, name, lastRequest);
        name = "metrics_server_manager_tick_duration_seconds";
        header(out, name, "[ALPHA] The total time spent collecting and storing metrics in seconds", "histogram");
        tickDuration.writeSamples(out, name, "");
        name = "kube_metrics_appliance_scrape_duration_seconds";
        header(out, name, "Duration of one node's scrape (all endpoints tried) in seconds, by outcome", "histogram");
        for (Map.Entry<Outcome, Histogram> e : scrapeDuration.entrySet()) {
            e.getValue().writeSamples(out, name, "outcome=\"" + e.getKey().label + "\"");
        }
        name = "kube_metrics_appliance_scrape_last_success_timestamp_seconds";
        header(out, name, "Time of the last successful scrape of the node's kubelet since unix epoch in seconds", "gauge");
        gauges(out, name, lastSuccess);
        name = "kube_metrics_appliance_scrape_pending_nodes";
        header(out, name, "Nodes whose scrape was still running (carried into the next cycle) or not started for want"
                + " of a slot when the last scrape cycle ended (a cold start; counted neither as ok nor as failed)", "gauge");
        out.append(name).append(' ').append(Integer.toString(pendingNodes)).append('\n');
        name = "kube_metrics_appliance_foreign_pods_dropped_total";
        header(out, name, "Pods a kubelet reported that run on another node (by spec.nodeName), dropped, by reporting node",
                "counter");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(foreignPods).entrySet()) {
            out.append(name).append("{node=\"").append(escape(e.getKey())).append("\"} ")
                    .append(Long.toString(e.getValue().sum())).append('\n');
        }
    }

    private static void gauges(Appendable out, String name, Map<String, Double> values) throws IOException {
        for (Map.Entry<String, Double> e : new TreeMap<>(values).entrySet()) {
            out.append(name).append("{node=\"").append(escape(e.getKey())).append("\"} ")
                    .append(formatSeconds(e.getValue())).append('\n');
        }
    }

    private static String formatSeconds(double v) {
        // %.3f keeps gauges human-readable (no exponent form) with millisecond precision
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    private static void header(Appendable out, String name, String help, String type) throws IOException {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
