package io.kma.metrics.api.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.PodUsageBuffer;
import io.kma.api.store.Usage;

/**
 * The pod list writer at 1,000 and 5,000 nodes' worth of pods (70 per node, 2 containers each), JSON and
 * protobuf, into a sink that only counts: the appliance's own cost per list, without TLS and the socket.
 * Not run by the build. Run it with:
 * <pre>
 * mvn -o -q -pl bundles/metrics-api test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp bundles/metrics-api/target/test-classes:bundles/metrics-api/target/classes:$(cat bundles/metrics-api/target/cp.txt) \
 *      org.openjdk.jmh.Main PodListWriterBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PodListWriterBenchmark {

    @Param({"70000", "350000"})
    public int pods;

    private List<PodInfo> infos;
    private List<PodUsageBuffer> usages;
    private final Generators generators = new Generators();
    private final PodListPathBenchmark.CountingSink sink = new PodListPathBenchmark.CountingSink();

    @Setup
    public void setup() {
        infos = new ArrayList<>(pods);
        usages = new ArrayList<>(pods);
        long ts = 1_764_700_000_000_000_000L;
        for (int i = 0; i < pods; i++) {
            String ns = "sim-ns-" + i % 5;
            String name = "deployment-" + i % 70 + "-7d4b9c8f6d-x" + i;
            PodInfo info = new PodInfo(ns, name, Map.of("app", "app-" + i % 70, "pod-template-hash", "7d4b9c8f6d"), null);
            PodUsage usage = new PodUsage(ns, name, ts - (i % 15) * 1_000_000_000L, 15_000_000_000L + (i % 40) * 1_000_000L,
                    List.of(new ContainerUsage("app", new Usage(4_710_169L + i, 12_533_760L + 4096L * (i % 100))),
                            new ContainerUsage("sidecar", new Usage(1_500_000L, 5 * 1024 * 1024L))));
            infos.add(info);
            usages.add(PodLists.buffer(usage));
        }
    }

    @Benchmark
    public long json() throws IOException {
        PodListWriter w = new PodListWriter(sink, generators);
        w.jsonStart(1_764_700_004_000_000_000L);
        for (int i = 0; i < pods; i++) {
            w.jsonItem(infos.get(i), usages.get(i));
        }
        w.jsonEnd();
        return sink.bytes;
    }

    /** The responder's measuring pass (into a {@link PodTable}) and the writing pass. */
    @Benchmark
    public long protobuf() throws IOException {
        PodTable table = new PodTable(pods);
        PodListWriter w = new PodListWriter(sink, generators);
        long length = 0;
        for (int i = 0; i < pods; i++) {
            int metadataLength = w.metadata().protoBodyLength(infos.get(i));
            int usageLength = PodUsageEncoder.length(usages.get(i));
            table.add(infos.get(i), metadataLength, usages.get(i), usageLength);
            length += PodListWriter.protoItemLength(metadataLength, usageLength);
        }
        return w.protobuf(length, 1_764_700_004_000_000_000L, table);
    }
}
