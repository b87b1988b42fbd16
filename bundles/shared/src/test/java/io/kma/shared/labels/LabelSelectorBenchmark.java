package io.kma.shared.labels;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing a {@code labelSelector} query parameter (once per list request) and matching it against a pod's labels
 * (once per pod of the list). Not run by the build. Run it with:
 * <pre>
 * mvn -o -q -pl bundles/shared test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp bundles/shared/target/test-classes:bundles/shared/target/classes:$(cat bundles/shared/target/cp.txt) \
 *      org.openjdk.jmh.Main LabelSelectorBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LabelSelectorBenchmark {

    static final String SELECTOR = "app.kubernetes.io/name=frontend,tier in (web, edge),!canary,"
            + "environment notin (dev,test),pod-template-hash";
    private final LabelSelector selector = LabelSelector.parse(SELECTOR);
    private final Map<String, String> labels = Map.of("app.kubernetes.io/name", "frontend", "tier", "web",
            "environment", "production", "pod-template-hash", "7d9f8c6b5", "app.kubernetes.io/part-of", "shop");

    @Benchmark
    public LabelSelector parse() {
        return LabelSelector.parse(SELECTOR);
    }

    @Benchmark
    public boolean match() {
        return selector.matches(labels);
    }
}
