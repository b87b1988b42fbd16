package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;
import io.kma.metrics.api.wire.MetricsWire;

/** The single-pass protobuf list's arithmetic: counted lengths against the bytes the reference encoder writes. */
class PodUsageEncoderTest {

    private static final long NOW = 1_764_734_407_500_000_000L;

    /** Zero, both sides of every suffix and power of ten, and the ends of a long. */
    private static List<Long> edgeValues() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 999L, 1000L, 1001L, 1023L, 1024L, 1025L, -1023L,
                -1024L, -1025L, 1536L, 5L << 20, (1L << 62) * 1, 3L << 60, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, Long.MAX_VALUE - 1));
        long p = 1;
        for (int i = 0; i <= 18; i++, p *= 10) {
            values.addAll(List.of(p, p - 1, p + 1, -p, 7 * p, 70 * (p / 10 + 1)));
        }
        for (int e = 1; e <= 6; e++) {
            long b = 1L << 10 * e;
            values.addAll(List.of(b, b - 1, b + 1, 3 * b, -b));
        }
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 5_000; i++) { // every magnitude, some with trailing zeros
            long v = random.nextLong() >> random.nextInt(64);
            values.add(v);
            values.add(v - v % 1000);
        }
        return values;
    }

    @Test
    void quantityLengthsAreTheFormattedLengths() {
        for (long v : edgeValues()) {
            assertEquals(Quantities.cpu(v).length(), Quantities.cpuLength(v), "cpu " + v);
            assertEquals(Quantities.memory(v).length(), Quantities.memoryLength(v), "memory " + v);
            assertEquals(Long.toString(v).length(), Quantities.digitCount(v), "digits " + v);
        }
        assertEquals("9223372036854775807n", Quantities.cpu(Long.MAX_VALUE));
        assertEquals("-9223372036854775808n", Quantities.cpu(Long.MIN_VALUE), "as Go's strconv writes it");
        assertEquals("-8Ei", Quantities.memory(Long.MIN_VALUE));
        assertEquals("1k", Quantities.memory(1000));
    }

    private static PodUsage usage(long ts, long window, ContainerUsage... containers) {
        return new PodUsage("ns", "p", ts, window, List.of(containers));
    }

    private static ContainerUsage c(String name, long cpu, long memory) {
        return new ContainerUsage(name, new Usage(cpu, memory));
    }

    private static List<PodUsage> usages() {
        List<ContainerUsage> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(c("container-" + i, 1_000_000L * i + i, 1L << i % 63));
        }
        String longName = "n".repeat(300); // a two-byte name length and container length
        List<PodUsage> usages = new ArrayList<>(List.of(
                usage(NOW, 15_000_000_000L, c("app", 4_710_169L, 12_533_760L), c("sidecar", 1_500_000L, 5L << 20)),
                usage(0, 0, c("zero", 0, 0)),
                usage(NOW, 900_000L),
                usage(-1_500_000_000L, Long.MAX_VALUE, c("huge", Long.MAX_VALUE, Long.MAX_VALUE)),
                usage(Long.MIN_VALUE, -1, c("negative", Long.MIN_VALUE, Long.MIN_VALUE), c("", -1, -1025)),
                usage(NOW, 1, c(longName, 1_000_000_000_000L, 1L << 60), c("quote\"é€😀", 1, 1023)),
                usage(NOW, 15_000_000_000L, c(null, 7, 7)),
                new PodUsage("ns", "many", NOW, 10_000_000_000L, many)));
        for (long v : edgeValues().subList(0, 200)) {
            usages.add(usage(NOW + v, v, c("v", v, v), c("w", -v, v / 3)));
        }
        return usages;
    }

    @Test
    void lengthAndBytesAreTheReferenceEncoders() {
        PodUsageEncoder encoder = new PodUsageEncoder();
        ProtoBuffer actual = new ProtoBuffer(64);
        ProtoBuffer expected = new ProtoBuffer(64);
        for (PodUsage u : usages()) {
            expected.reset();
            MetricsProto.podUsage(expected, u, new MetricsProto.Scratch());
            actual.reset();
            actual.raw(0x7f); // written after other bytes, as in a list
            encoder.write(actual, PodLists.buffer(u));
            byte[] written = actual.copyOfRange(1, actual.size());
            assertArrayEquals(expected.toByteArray(), written, u.toString());
            assertEquals(written.length, PodUsageEncoder.length(PodLists.buffer(u)), u.toString());
        }
    }

    @Test
    void protobufListOfEdgeCasesIsTheItemEncodersAndDecodes() throws Exception {
        Generators generators = new Generators();
        Map<String, String> manyLabels = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            manyLabels.put("label-" + i, "value-" + "x".repeat(i));
        }
        List<PodUsage> usages = usages();
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < usages.size(); i++) {
            pods.add(new PodInfo("ns", "pod-" + i, i % 3 == 0 ? Map.of() : i % 3 == 1 ? manyLabels : null, null));
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long length = PodLists.protobuf(out, generators, pods, usages, NOW);
        assertArrayEquals(PodLists.referenceProtobuf(pods, usages, NOW), out.toByteArray());
        assertEquals(out.size(), length);
        MetricsWire.PodMetricsList list = MetricsWire.PodMetricsList.parseFrom(
                ProtobufWireTest.envelope(out.toByteArray()).getRaw());
        assertEquals(usages.size(), list.getItemsCount());
        assertEquals(100, list.getItems(7).getContainersCount());
        assertEquals(40, list.getItems(1).getMetadata().getLabelsCount());
        assertTrue(list.getItems(0).getMetadata().getLabelsMap().isEmpty());
        assertEquals("9223372036854775807n",
                list.getItems(3).getContainers(0).getUsageMap().get("cpu").getString());
    }
}
