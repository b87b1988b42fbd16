package io.kma.metrics.api.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.PodUsageBuffer;

/** Writes pod lists through {@link PodListWriter} from metadata and {@link PodUsage}s, as the responder does from the store. */
final class PodLists {

    private PodLists() {
    }

    static PodUsageBuffer buffer(PodUsage usage) {
        PodUsageBuffer b = new PodUsageBuffer();
        b.time(usage.timestampNanos(), usage.windowNanos());
        for (ContainerUsage c : usage.containers()) {
            b.addContainer(c.name(), c.usage().cpuNanoCores(), c.usage().memoryBytes());
        }
        return b;
    }

    static void json(OutputStream out, Generators generators, List<PodInfo> pods, List<PodUsage> usages,
            long nowNanos) throws IOException {
        PodListWriter w = new PodListWriter(out, generators);
        w.jsonStart(nowNanos);
        for (int i = 0; i < pods.size(); i++) {
            w.jsonItem(pods.get(i), buffer(usages.get(i)));
        }
        w.jsonEnd();
    }

    /** @return the body's length as the writer states it */
    static long protobuf(OutputStream out, Generators generators, List<PodInfo> pods,
            List<PodUsage> usages, long nowNanos) throws IOException {
        PodTable table = new PodTable(1);
        PodListWriter w = new PodListWriter(out, generators);
        long length = 0;
        for (int i = 0; i < pods.size(); i++) {
            PodUsageBuffer b = buffer(usages.get(i));
            int metadataLength = w.metadata().protoBodyLength(pods.get(i));
            int usageLength = PodUsageEncoder.length(b);
            table.add(pods.get(i), metadataLength, b, usageLength);
            length += PodListWriter.protoItemLength(metadataLength, usageLength);
        }
        return w.protobuf(length, nowNanos, table);
    }

    /** The reference protobuf list: each item from {@link MetricsProto#pod}, through {@link MetricsProto.ListWriter}. */
    static byte[] referenceProtobuf(List<PodInfo> pods, List<PodUsage> usages, long nowNanos) throws IOException {
        List<MetricsProto.Split> splits = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
            splits.add(MetricsProto.pod(pods.get(i), usages.get(i)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetricsProto.ListWriter w = new MetricsProto.ListWriter(out);
        w.start("PodMetricsList", splits.stream().mapToLong(MetricsProto.ListWriter::itemLength).sum());
        for (MetricsProto.Split s : splits) {
            w.item(s, MetricsProto.now(nowNanos));
        }
        w.end();
        return out.toByteArray();
    }
}
