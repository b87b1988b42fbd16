package io.kma.kube.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.PodInfo;

/**
 * Decoding one list page of 500 full pods (the simulator's pod JSON, ~1.26 KB each) into {@link PodInfo}, field
 * by field as list items and watch events are read (a Jackson tree per pod allocated 13x more). Not run by the
 * build; command as in {@link PodCacheBenchmark}, with {@code PodDecodeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PodDecodeBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PodMetadataDecoder decoder = new PodMetadataDecoder(new Interner());
    private byte[] page;

    @Setup
    public void setup() {
        StringBuilder b = new StringBuilder("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"72000\"},\"items\":[");
        for (int i = 0; i < 500; i++) {
            int node = 900 + i / 70;
            String name = "sim-pod-" + node + "-" + i % 70;
            b.append(i == 0 ? "" : ",").append("{\"metadata\":{\"name\":\"").append(name).append("\",\"namespace\":\"sim-ns-")
                    .append(i % 5).append("\",\"uid\":\"5a11ab1e-090d-4000-8000-0000000").append(10000 + i)
                    .append("\",\"resourceVersion\":\"").append(69000 + i).append("\",\"creationTimestamp\":\"2026-12-03T12:03:48Z\","
                    + "\"labels\":{\"app\":\"sim-app-").append(i % 3).append("\"}},\"spec\":{\"containers\":[{\"name\":\"c0\","
                    + "\"image\":\"registry.k8s.io/pause:3.10\",\"resources\":{\"requests\":{\"cpu\":\"20m\",\"memory\":\"48Mi\"}}},"
                    + "{\"name\":\"c1\",\"image\":\"registry.k8s.io/pause:3.10\",\"resources\":{\"requests\":{\"cpu\":\"30m\","
                    + "\"memory\":\"64Mi\"}}}],\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\","
                    + "\"serviceAccountName\":\"default\",\"nodeName\":\"sim-node-").append(node).append("\"},\"status\":{\"phase\":"
                    + "\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":\"2026-12-03T13:38:00Z\","
                    + "\"lastTransitionTime\":\"2026-12-03T12:03:48Z\"}],\"podIP\":\"10.244.199.36\",\"startTime\":\"2026-12-03T12:03:48Z\","
                    + "\"containerStatuses\":[{\"name\":\"c0\",\"ready\":true,\"restartCount\":0,\"started\":true,\"state\":{\"running\":"
                    + "{\"startedAt\":\"2026-12-03T12:03:53Z\"}},\"image\":\"registry.k8s.io/pause:3.10\",\"containerID\":"
                    + "\"containerd://5a11ab1e090d4000800000000001105dc0\"},{\"name\":\"c1\",\"ready\":true,\"restartCount\":0,"
                    + "\"started\":true,\"state\":{\"running\":{\"startedAt\":\"2026-12-03T12:03:53Z\"}},\"image\":"
                    + "\"registry.k8s.io/pause:3.10\",\"containerID\":\"containerd://5a11ab1e090d4000800000000001105dc1\"}],"
                    + "\"qosClass\":\"Burstable\"}}");
        }
        page = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int streaming() throws IOException {
        int n = 0;
        try (JsonParser p = mapper.getFactory().createParser(page)) {
            while (p.nextToken() != JsonToken.START_ARRAY) {
                // to items
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                PodInfo pod = decoder.decode(p, mapper, null);
                n += pod == null ? 0 : 1;
            }
        }
        return n;
    }
}
