package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.Usage;
import io.kma.metrics.api.wire.MetricsWire;

/**
 * The protobuf bodies decoded with classes generated from the Kubernetes wire schema (src/test/proto), and
 * compared with the bytes Go's marshallers write (reference wire-and-registration.md §2.2).
 */
class ProtobufWireTest {

    private static final long NOW = Instant.parse("2026-12-03T04:00:07.5Z").toEpochMilli() * 1_000_000L;
    private static final long TS = 1_700_000_000_000_000_000L;

    static MetricsWire.Unknown envelope(byte[] body) throws Exception {
        assertArrayEquals(new byte[] {0x6b, 0x38, 0x73, 0x00}, Arrays.copyOf(body, 4), "k8s\\0 magic");
        MetricsWire.Unknown u = MetricsWire.Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
        assertTrue(u.getUnknownFields().asMap().isEmpty());
        assertEquals("metrics.k8s.io/v1beta1", u.getTypeMeta().getApiVersion());
        assertTrue(u.hasContentEncoding() && u.getContentEncoding().isEmpty(), "written empty, as Go does");
        assertTrue(u.hasContentType() && u.getContentType().isEmpty(), "empty: raw is protobuf");
        return u;
    }

    @Test
    void podListDecodesWithTheKubernetesSchema() throws Exception {
        PodInfo web = new PodInfo("ns1", "web-1", Map.of("tier", "web", "app", "shop"), null);
        PodUsage webUsage = new PodUsage("ns1", "web-1", TS, 14_900_000_000L, List.of(
                new ContainerUsage("app", new Usage(4_710_169L, 12_533_760L)),
                new ContainerUsage("sidecar", new Usage(1_500_000L, 1025L))));
        PodInfo bare = new PodInfo("ns2", "db-0", Map.of(), null);
        PodUsage bareUsage = new PodUsage("ns2", "db-0", 0, 1_000L, List.of(new ContainerUsage("db", new Usage(0, 0))));
        List<MetricsProto.Split> items = List.of(MetricsProto.pod(web, webUsage), MetricsProto.pod(bare, bareUsage));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetricsProto.ListWriter w = new MetricsProto.ListWriter(out);
        w.start("PodMetricsList", items.stream().mapToLong(MetricsProto.ListWriter::itemLength).sum());
        for (MetricsProto.Split s : items) {
            w.item(s, MetricsProto.now(NOW));
        }
        w.end();

        MetricsWire.Unknown u = envelope(out.toByteArray());
        assertEquals("PodMetricsList", u.getTypeMeta().getKind());
        MetricsWire.PodMetricsList list = MetricsWire.PodMetricsList.parseFrom(u.getRaw());
        assertTrue(list.getUnknownFields().asMap().isEmpty());
        assertTrue(list.getMetadata().hasResourceVersion(), "ListMeta written as Go writes it");
        assertEquals(2, list.getItemsCount());
        MetricsWire.PodMetrics p = list.getItems(0);
        assertEquals("web-1", p.getMetadata().getName());
        assertEquals("ns1", p.getMetadata().getNamespace());
        assertEquals(NOW / 1_000_000_000L, p.getMetadata().getCreationTimestamp().getSeconds(), "request time, as upstream");
        assertEquals(Map.of("tier", "web", "app", "shop"), p.getMetadata().getLabelsMap());
        assertEquals(TS / 1_000_000_000L, p.getTimestamp().getSeconds());
        assertEquals(14_900_000_000L, p.getWindow().getDuration());
        assertEquals(2, p.getContainersCount());
        assertEquals("app", p.getContainers(0).getName());
        assertEquals("4710169n", p.getContainers(0).getUsageMap().get("cpu").getString());
        assertEquals("12240Ki", p.getContainers(0).getUsageMap().get("memory").getString());
        assertEquals("1500u", p.getContainers(1).getUsageMap().get("cpu").getString());
        assertEquals("1025", p.getContainers(1).getUsageMap().get("memory").getString());
        MetricsWire.PodMetrics b = list.getItems(1);
        assertEquals("db-0", b.getMetadata().getName());
        assertTrue(b.getMetadata().getLabelsMap().isEmpty());
        assertTrue(b.hasTimestamp() && b.getTimestamp().getSeconds() == 0, "zero time: an empty Time");
        assertEquals("0", b.getContainers(0).getUsageMap().get("cpu").getString());
    }

    @Test
    void nodeMatchesGoBytesAfterItsMetadata() throws Exception {
        NodeInfo n1 = new NodeInfo("n1", Map.of(), Map.of(), List.of(), 0, true, null);
        NodeUsage usage = new NodeUsage("n1", TS, 10_000_000_000L, new Usage(100_000_000L, 1024 * 1024L));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetricsProto.writeSingle(out, "NodeMetrics", MetricsProto.node(n1, usage), MetricsProto.now(NOW));
        byte[] body = out.toByteArray();
        MetricsWire.Unknown u = envelope(body);
        assertEquals("NodeMetrics", u.getTypeMeta().getKind());
        byte[] raw = u.getRaw().toByteArray();
        // Go: metadata {name "n1", fields 2-7 empty, creationTimestamp {seconds, nanos 0}}, then the rest
        String hex = HexFormat.of().formatHex(raw);
        assertTrue(hex.startsWith("0a1a" + "0a026e31" + "1200" + "1a00" + "2200" + "2a00" + "3200" + "3800" + "4208" + "08"), hex);
        assertTrue(hex.endsWith("1000" // nanos 0 of creationTimestamp
                + "1208" + "0880e2cfaa06" + "1000" // timestamp 1700000000 s
                + "1a06" + "0880c8afa025" // window 10 s
                + "220d" + "0a03637075" + "1206" + "0a043130306d" // cpu 100m
                + "220f" + "0a066d656d6f7279" + "1205" + "0a03314d69"), hex); // memory 1Mi
        MetricsWire.NodeMetrics n = MetricsWire.NodeMetrics.parseFrom(raw);
        assertEquals("100m", n.getUsageMap().get("cpu").getString());
        assertEquals("1Mi", n.getUsageMap().get("memory").getString());
        assertEquals(NOW / 1_000_000_000L, n.getMetadata().getCreationTimestamp().getSeconds());
    }
}
