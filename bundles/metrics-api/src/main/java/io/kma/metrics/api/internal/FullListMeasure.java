package io.kma.metrics.api.internal;

import java.util.function.LongConsumer;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.PodSeriesRef;
import io.kma.api.store.PodUsageBuffer;

/**
 * The measuring pass of a full protobuf pod list over a range of its pairing's indices: each servable pod's
 * usage read into {@code rows}, its item's length counted, the sum returned. The kept table remembers the pods'
 * metadata lengths by pairing index ({@link PodTable#knownMetadataLength}); ranges are disjoint, so two passes
 * over two halves may fill two tables at once, each with its own metadata encoder (the encoder caches label
 * bytes and is not thread-safe), and the rows of the first table followed by the second's are the rows one pass
 * over the whole range adds. The pass is bound by memory latency (a cache miss per pod's series at 350,000
 * pods) and delays the list's first byte, which is why a large list's halves are measured at once.
 */
final class FullListMeasure {

    private final PodHandles handles;
    private final int from;
    private final int to;
    private final PodTable rows;
    private final PodTable kept;
    private final PodMetadataEncoder metadata;
    private final LongConsumer sampled;

    /**
     * @param rows     the table this range's rows are added to
     * @param kept     the table paired with {@code handles} that remembers metadata lengths (may be {@code rows})
     * @param sampled  takes each listed pod's sample timestamp (the responder's freshness histogram)
     */
    FullListMeasure(PodHandles handles, int from, int to, PodTable rows, PodTable kept, PodMetadataEncoder metadata,
            LongConsumer sampled) {
        this.handles = handles;
        this.from = from;
        this.to = to;
        this.rows = rows;
        this.kept = kept;
        this.metadata = metadata;
        this.sampled = sampled;
    }

    /** The items' length in bytes (the sum of {@link PodListWriter#protoItemLength} over the rows added). */
    long measure() {
        PodUsageBuffer usage = new PodUsageBuffer();
        long length = 0;
        for (int i = from; i < to; i++) {
            PodSeriesRef ref = handles.ref(i);
            if (ref == null || !ref.read(usage)) {
                continue;
            }
            sampled.accept(usage.timestampNanos());
            PodInfo pod = handles.pod(i);
            int metadataLength = kept.knownMetadataLength(i);
            if (metadataLength == 0) {
                metadataLength = metadata.protoBodyLength(pod);
                kept.rememberMetadataLength(i, metadataLength);
            }
            int usageLength = PodUsageEncoder.length(usage);
            rows.add(pod, metadataLength, usage, usageLength);
            length += PodListWriter.protoItemLength(metadataLength, usageLength);
        }
        return length;
    }
}
