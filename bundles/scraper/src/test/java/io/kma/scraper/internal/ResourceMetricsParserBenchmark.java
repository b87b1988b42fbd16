package io.kma.scraper.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.kma.api.store.NodeScrape;

/**
 * Parser throughput on a realistic kubelet body: 70 pods × 2 containers (140 containers), with
 * HELP/TYPE lines, pod-level and swap families and timestamps, as a 1.30 kubelet sends it.
 * Not run by the build. Run it with:
 * <pre>
 * mvn -o -q -pl bundles/scraper test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp bundles/scraper/target/test-classes:bundles/scraper/target/classes:$(cat bundles/scraper/target/cp.txt) \
 *      org.openjdk.jmh.Main ResourceMetricsParserBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResourceMetricsParserBenchmark {

    /** Distinct nodes whose bodies one {@link #scrapeCycle} call walks through, one body per call. */
    @Param({"1000"})
    public int nodes;

    private byte[] body;
    private Interner interner;
    private byte[][] cluster;
    private Interner clusterInterner;
    private int next;

    /** The body of a node with {@code pods} pods of two containers each. */
    static String kubeletBody(int pods) {
        StringBuilder sb = new StringBuilder(pods * 1200);
        long ts = 1_700_000_000_123L;
        sb.append("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds\n");
        sb.append("# TYPE container_cpu_usage_seconds_total counter\n");
        for (int p = 0; p < pods; p++) {
            for (String c : new String[] {"app", "istio-proxy"}) {
                sb.append("container_cpu_usage_seconds_total{container=\"").append(c).append("\",namespace=\"team-")
                        .append(p % 7).append("\",pod=\"frontend-7d9f8c6b5-").append(Integer.toString(10_000 + p, 36))
                        .append("\"} ").append(1234.567891 + p).append(' ').append(ts).append('\n');
            }
        }
        sb.append("# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes\n");
        sb.append("# TYPE container_memory_working_set_bytes gauge\n");
        for (int p = 0; p < pods; p++) {
            for (String c : new String[] {"app", "istio-proxy"}) {
                sb.append("container_memory_working_set_bytes{container=\"").append(c).append("\",namespace=\"team-")
                        .append(p % 7).append("\",pod=\"frontend-7d9f8c6b5-").append(Integer.toString(10_000 + p, 36))
                        .append("\"} ").append("1.4864384e+0").append(7 + p % 2).append(' ').append(ts).append('\n');
            }
        }
        sb.append("# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds\n");
        sb.append("# TYPE container_start_time_seconds gauge\n");
        for (int p = 0; p < pods; p++) {
            for (String c : new String[] {"app", "istio-proxy"}) {
                sb.append("container_start_time_seconds{container=\"").append(c).append("\",namespace=\"team-")
                        .append(p % 7).append("\",pod=\"frontend-7d9f8c6b5-").append(Integer.toString(10_000 + p, 36))
                        .append("\"} 1.6999e+09 ").append(ts).append('\n');
                sb.append("container_swap_usage_bytes{container=\"").append(c).append("\",namespace=\"team-")
                        .append(p % 7).append("\",pod=\"frontend-7d9f8c6b5-").append(Integer.toString(10_000 + p, 36))
                        .append("\"} 0 ").append(ts).append('\n');
            }
        }
        sb.append("# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds\n");
        sb.append("# TYPE node_cpu_usage_seconds_total counter\n");
        sb.append("node_cpu_usage_seconds_total 357354.91 ").append(ts).append('\n');
        sb.append("node_memory_working_set_bytes 1.616273408e+10 ").append(ts).append('\n');
        for (int p = 0; p < pods; p++) {
            sb.append("pod_cpu_usage_seconds_total{namespace=\"team-").append(p % 7).append("\",pod=\"frontend-7d9f8c6b5-")
                    .append(Integer.toString(10_000 + p, 36)).append("\"} 2469.1 ").append(ts).append('\n');
        }
        sb.append("resource_scrape_error 0\n");
        return sb.toString();
    }

    /**
     * A node's body as kubelet 1.32 (and the simulator) orders it: families by name, series by (container,
     * namespace, pod), so the containers of one pod are 70 lines apart; pod names unique to the node.
     */
    static byte[] simulatedBody(int node, int pods) {
        StringBuilder sb = new StringBuilder(pods * 900);
        long ts = 1_700_000_000_123L;
        String[] families = {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
            "container_start_time_seconds", "container_swap_usage_bytes"};
        for (String f : families) {
            sb.append("# HELP ").append(f).append(" [STABLE] help text\n# TYPE ").append(f).append(" gauge\n");
            for (String c : new String[] {"app", "sidecar"}) {
                for (int p = 0; p < pods; p++) {
                    sb.append(f).append("{container=\"").append(c).append("\",namespace=\"sim-ns-").append(p % 5)
                            .append("\",pod=\"sim-pod-").append(node).append('-').append(p).append("\"} ");
                    switch (f) {
                        case "container_cpu_usage_seconds_total" -> sb.append(1234.567891 + p);
                        case "container_memory_working_set_bytes" -> sb.append("1.4864384e+07");
                        case "container_start_time_seconds" -> sb.append("1.7000001e+09");
                        default -> sb.append('0');
                    }
                    sb.append(' ').append(ts).append('\n');
                }
            }
        }
        sb.append("node_cpu_usage_seconds_total 357354.91 ").append(ts).append('\n');
        sb.append("node_memory_working_set_bytes 1.616273408e+10 ").append(ts).append('\n');
        for (int p = 0; p < pods; p++) {
            sb.append("pod_cpu_usage_seconds_total{namespace=\"sim-ns-").append(p % 5).append("\",pod=\"sim-pod-")
                    .append(node).append('-').append(p).append("\"} 2469.1 ").append(ts).append('\n');
        }
        sb.append("resource_scrape_error 0\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Setup
    public void setup() {
        body = kubeletBody(70).getBytes(StandardCharsets.UTF_8);
        interner = new Interner(16);
        cluster = new byte[nodes][];
        for (int i = 0; i < nodes; i++) {
            cluster[i] = simulatedBody(i, 70);
        }
        // as the scraper sizes it after a cycle
        clusterInterner = new Interner(Interner.MIN_LOG2);
        clusterInterner.fit(nodes * 140);
    }

    /** One node of a cycle over {@code nodes} nodes: the interner sees every pod name once per cycle. */
    @Benchmark
    public void scrapeCycle(Blackhole bh) throws MalformedMetricsException {
        byte[] b = cluster[next];
        next = next + 1 == cluster.length ? 0 : next + 1;
        // as NodeScraper sizes it: the last body's container count
        NodeScrapeAssembler a = new NodeScrapeAssembler("node-1", 140);
        new ResourceMetricsParser(clusterInterner).parse(b, b.length, 1L, a);
        bh.consume(a.build());
    }

    @Benchmark
    public void parse140Containers(Blackhole bh) throws MalformedMetricsException {
        NodeScrapeAssembler a = new NodeScrapeAssembler("node-1");
        new ResourceMetricsParser(interner).parse(body, body.length, 1L, a);
        NodeScrape s = a.build();
        bh.consume(s);
    }
}
