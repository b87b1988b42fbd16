package io.kma.kube.client.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.kma.api.cluster.PodInfo;

/**
 * The pod cache at 5,000 nodes × 70 pods (the simulator's shape: 5 namespaces): a lookup per pod as the
 * scraper's foreign-pod filter does it (keys are distinct String instances, as parsed from a scrape), and
 * the full and one-namespace lists after one pod changed. Not run by the build. Run it with:
 * <pre>
 * mvn -o -q -pl bundles/kube-client test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp bundles/kube-client/target/test-classes:bundles/kube-client/target/classes:$(cat bundles/kube-client/target/cp.txt) \
 *      org.openjdk.jmh.Main PodCacheBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PodCacheBenchmark {

    private static final int LOOKUPS = 70_000;

    @Param({"350000"})
    public int pods;

    private PodCache cache;
    private String[] namespaces;
    private String[] names;
    private List<PodInfo> changing;
    private int turn;

    @Setup
    public void setup() {
        List<PodInfo> all = new ArrayList<>(pods);
        Instant created = Instant.parse("2026-12-03T10:00:00Z");
        for (int i = 0; i < pods; i++) {
            int node = i / 70;
            all.add(new PodInfo("sim-ns-" + i % 5, "sim-pod-" + node + "-" + i % 70, Map.of("app", "sim-app-" + i % 3),
                    created, "sim-node-" + node));
        }
        cache = new PodCache();
        cache.replace(all);
        Collections.shuffle(all, new Random(1));
        namespaces = new String[LOOKUPS];
        names = new String[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            namespaces[i] = new String(all.get(i).namespace());
            names[i] = new String(all.get(i).name());
        }
        changing = List.of(new PodInfo("sim-ns-1", "sim-pod-1-1", Map.of("app", "a"), created, "sim-node-1"),
                new PodInfo("sim-ns-1", "sim-pod-1-1", Map.of("app", "b"), created, "sim-node-1"));
    }

    /** One lookup per op, over 70,000 random pods. */
    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public int lookup() {
        int found = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            if (cache.get(namespaces[i], names[i]).isPresent()) {
                found++;
            }
        }
        return found;
    }

    /** The full list after one pod's labels changed (what a pod list request pays after any change). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Collection<PodInfo> allAfterChange() {
        cache.upsert(changing.get(turn++ & 1));
        return cache.all();
    }

    /** One namespace (a fifth of the pods) after one pod of it changed. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Collection<PodInfo> namespaceAfterChange() {
        cache.upsert(changing.get(turn++ & 1));
        return cache.inNamespace("sim-ns-1");
    }

    /** The full list when nothing changed. */
    @Benchmark
    public Collection<PodInfo> allUnchanged() {
        return cache.all();
    }
}
