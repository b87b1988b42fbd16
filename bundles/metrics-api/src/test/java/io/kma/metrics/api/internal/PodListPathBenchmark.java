package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerSample;
import io.kma.api.store.MetricPoint;
import io.kma.api.store.NodeScrape;
import io.kma.shared.labels.LabelSelector;
import io.kma.store.internal.InMemoryMetricsStore;

/**
 * The whole pod list path of {@link ResourceResponder} (selection, store reads, metadata, writing) over a
 * real {@link InMemoryMetricsStore} filled through its API (two scrapes of every node) and a cluster view's
 * sorted pod collection (the same instance on every call, as kube-client returns it while nothing
 * changed), JSON and protobuf, into a sink that only counts: the appliance's CPU per list without TLS and
 * the socket. The store's and the cluster's strings are distinct instances, as the scraper's and the
 * informer's are. Not run by the build. Run it with:
 * <pre>
 * mvn -o -q -pl bundles/metrics-api test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp bundles/metrics-api/target/test-classes:bundles/metrics-api/target/classes:$(cat bundles/metrics-api/target/cp.txt) \
 *      org.openjdk.jmh.Main PodListPathBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms3g", "-Xmx3g"}) // the distribution's collector
public class PodListPathBenchmark {

    /** 5,000 nodes × 70 pods × 2 containers, as scale.sh 5000 70. */
    @Param({"5000"})
    public int nodes;

    @Param({"70"})
    public int podsPerNode;

    /**
     * shared: pods with equal labels share one map instance, as kube-client's interner makes them (here 10
     * distinct maps); unique: every pod its own map (the label cache's worst case).
     */
    @Param({"shared"})
    public String labels;

    private static final long T0 = 1_764_700_000_000_000_000L;
    private static final String[] CONTAINERS = {"app", "sidecar"};

    private final CountingSink sink = new CountingSink();
    ResourceResponder responder;
    InMemoryMetricsStore store;
    Collection<PodInfo> pods;

    static final class CountingSink extends OutputStream {
        long bytes;

        @Override public void write(int b) {
            bytes++;
        }

        @Override public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    @Setup
    public void setup() throws IOException {
        store = new InMemoryMetricsStore();
        TreeMap<String, PodInfo> sorted = new TreeMap<>();
        List<Map<String, String>> labelMaps = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            labelMaps.add(Map.of("app", "sim-app-" + j, "pod-template-hash", "7d4b9c8f6d"));
        }
        for (int scrape = 0; scrape < 2; scrape++) {
            long t = T0 + scrape * 15_000_000_000L;
            for (int node = 0; node < nodes; node++) {
                List<ContainerSample> samples = new ArrayList<>(podsPerNode * CONTAINERS.length);
                for (int j = 0; j < podsPerNode; j++) {
                    String ns = "sim-ns-" + j % 5;
                    String pod = "sim-pod-" + node + "-" + j;
                    for (int c = 0; c < CONTAINERS.length; c++) {
                        long ts = t + (node % 40) * 1_000_000L;
                        samples.add(new ContainerSample(new String(ns), new String(pod), new String(CONTAINERS[c]),
                                new MetricPoint(ts, (scrape + 1) * (4_710_169_000L + node * 1000L + j), 12_533_760L
                                        + 4096L * (j % 100), T0 - 86_400_000_000_000L)));
                    }
                    if (scrape == 0) {
                        Map<String, String> podLabels = labels.equals("shared") ? labelMaps.get(j % 10)
                                : Map.of("app", "sim-app-" + j % 10, "pod-template-hash", "7d4b9c8f6d");
                        sorted.put(ns + "\0" + pod, new PodInfo(ns, pod, podLabels, null, "sim-node-" + node));
                    }
                }
                store.storeNode(new NodeScrape("sim-node-" + node, new MetricPoint(t, (scrape + 1) * 1_000_000_000L,
                        1L << 30, 0), samples));
            }
            store.endCycle(Set.of());
        }
        pods = Collections.unmodifiableList(new ArrayList<>(sorted.values()));
        responder = new ResourceResponder(null, new Generators(), SelfMetrics.newFreshnessHistogram(),
                () -> T0 + 34_000_000_000L);
        int listed = responder.writePodList(sink, false, pods, true, LabelSelector.everything(), FieldSelector.everything(),
                store);
        if (listed != nodes * podsPerNode) {
            throw new IllegalStateException("listed " + listed + " of " + nodes * podsPerNode + " pods");
        }
    }

    @Benchmark
    public long json() throws IOException {
        responder.writePodList(sink, false, pods, true, LabelSelector.everything(), FieldSelector.everything(), store);
        return sink.bytes;
    }

    @Benchmark
    public long protobuf() throws IOException {
        responder.writePodList(sink, true, pods, true, LabelSelector.everything(), FieldSelector.everything(), store);
        return sink.bytes;
    }
}
