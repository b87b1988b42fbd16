package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodSeriesRef;
import io.kma.api.store.PodUsage;
import io.kma.api.store.PodUsageBuffer;
import io.kma.shared.labels.LabelSelector;
import io.kma.shared.metrics.Histogram;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * nodes and pods of metrics.k8s.io/v1beta1 (reference §4.1, §4.4, §4.5): candidates from the cluster
 * caches (already sorted), filtered by selectors, kept when the store has usage, streamed as they are found.
 * Pod lists in JSON and protobuf are written as bytes ({@link PodListWriter}) from the cluster view's pods and
 * the store's handles, paired once ({@link PodHandles}), gzip-compressed when large and the client asks
 * ({@link CompressibleBody}); YAML and Table are written item by item. Node lists are small and encoded per request.
 */
final class ResourceResponder {

    /**
     * The smallest full protobuf list whose measuring pass runs in two halves at once: below it the pass takes a
     * few milliseconds (it is ~0.2 µs a pod, most of it a cache miss on the pod's series), not worth a hand-off.
     */
    static final int MEASURE_IN_HALVES_FROM = 50_000;

    private final ApiSettings settings;
    private final Generators generators;
    private final Histogram freshness;
    private final LongSupplier epochNanos;
    /** The last full list's pairing of pods and store handles, reused while it is valid and full lists come. */
    private final KeptPairing pairing;
    /**
     * The measuring table of the last full protobuf list, for the next one (taken by one request at a time;
     * another at the same time makes its own). A new one per list was ~73 bytes per pod of young garbage (25 MB
     * at 350,000 pods) live for the whole write, so a young collection during a list promoted it and the old
     * generation filled towards a full collection: the protobuf lists' wide spread. Soft, so that a cluster
     * nobody lists in protobuf does not keep it, and the collector may take it back when memory is short.
     */
    private final AtomicReference<SoftReference<PodTable>> spareTable = new AtomicReference<>();
    /** The second half's table of the last full protobuf list measured in two halves, kept as {@link #spareTable}. */
    private final AtomicReference<SoftReference<PodTable>> spareHalf = new AtomicReference<>();
    /** Full protobuf lists of at least this many pods measure their two halves at once ({@link #writeFullProtobuf}). */
    private final int halvesFrom;

    ResourceResponder(ApiSettings settings, Generators generators, Histogram freshness, LongSupplier epochNanos) {
        this(settings, generators, freshness, epochNanos, new KeptPairing());
    }

    ResourceResponder(ApiSettings settings, Generators generators, Histogram freshness, LongSupplier epochNanos,
            KeptPairing pairing) {
        this(settings, generators, freshness, epochNanos, pairing, MEASURE_IN_HALVES_FROM);
    }

    /** @param halvesFrom the smallest full protobuf list measured in two halves at once (tests: small lists too) */
    ResourceResponder(ApiSettings settings, Generators generators, Histogram freshness, LongSupplier epochNanos,
            KeptPairing pairing, int halvesFrom) {
        this.halvesFrom = halvesFrom;
        this.pairing = pairing;
        this.settings = settings;
        this.generators = generators;
        this.freshness = freshness;
        this.epochNanos = epochNanos;
    }

    /** nodes (cluster-scoped) and pods (namespaced or across namespaces), no subresources. */
    boolean serves(RequestAttributes a) {
        if (!a.subresource().isEmpty()) {
            return false;
        }
        if (a.resource().equals("nodes")) {
            return a.namespace().isEmpty();
        }
        if (a.resource().equals("pods")) {
            // A named pod needs its namespace: /pods/<name> is not a path of the API.
            return !a.namespace().isEmpty() || a.pathName().isEmpty();
        }
        return false;
    }

    void respond(HttpServerExchange exchange, Negotiation n, RequestAttributes a, ClusterView cluster, MetricsStore store)
            throws IOException {
        PodHandles paired = pairing.forFullList();
        if (paired != null && !paired.pairs(store)) {
            pairing.drop(); // a replaced store: its handles would keep the old store's series alive
        }
        LabelSelector labels;
        FieldSelector fields;
        try {
            labels = LabelSelector.parse(MetricsApiHandler.param(exchange, "labelSelector"));
            fields = FieldSelector.parse(MetricsApiHandler.param(exchange, "fieldSelector"));
        } catch (IllegalArgumentException e) {
            sendStatus(exchange, n, ApiStatus.badRequest(e.getMessage()));
            return;
        }
        boolean named = !a.pathName().isEmpty();
        MetricsWriter.IncludeObject include = MetricsWriter.IncludeObject.of(MetricsApiHandler.param(exchange, "includeObject"));
        if (a.resource().equals("nodes")) {
            if (named) {
                getNode(exchange, n, include, a.pathName(), cluster, store);
            } else {
                listNodes(exchange, n, include, labels, fields, cluster, store);
            }
        } else if (named) {
            getPod(exchange, n, include, a.namespace(), a.pathName(), cluster, store);
        } else {
            listPods(exchange, n, include, a.namespace(), labels, fields, cluster, store);
        }
    }

    private void getNode(HttpServerExchange exchange, Negotiation n, MetricsWriter.IncludeObject include, String name,
            ClusterView cluster, MetricsStore store) throws IOException {
        Optional<NodeInfo> node = cluster.node(name);
        if (node.isEmpty()) {
            sendStatus(exchange, n, ApiStatus.notFound("", "node", name));
            return;
        }
        Optional<NodeUsage> usage = store.nodeUsage(name);
        if (usage.isEmpty()) {
            sendStatus(exchange, n, ApiStatus.notFound(MetricsWriter.GROUP, "nodemetrics", name));
            return;
        }
        if (n.protobuf()) {
            long now = epochNanos.getAsLong();
            observe(now, usage.get().timestampNanos());
            sendProto(exchange, out -> MetricsProto.writeSingle(out, "NodeMetrics",
                    MetricsProto.node(node.get(), usage.get()), MetricsProto.now(now)));
            return;
        }
        try (JsonGenerator g = start(exchange, n)) {
            writer(g, n, include).single(node.get(), usage.get());
            Generators.finish(g, n.yaml());
        }
    }

    private void getPod(HttpServerExchange exchange, Negotiation n, MetricsWriter.IncludeObject include, String namespace,
            String name, ClusterView cluster, MetricsStore store) throws IOException {
        Optional<PodInfo> pod = cluster.pod(namespace, name);
        if (pod.isEmpty()) {
            sendStatus(exchange, n, ApiStatus.notFound("", "pods", name));
            return;
        }
        Optional<PodUsage> usage = store.podUsage(namespace, name);
        if (usage.isEmpty()) {
            sendStatus(exchange, n, ApiStatus.notFound(MetricsWriter.GROUP, "podmetrics", namespace + "/" + name));
            return;
        }
        if (n.protobuf()) {
            long now = epochNanos.getAsLong();
            observe(now, usage.get().timestampNanos());
            MetricsProto.Split item = MetricsProto.pod(pod.get(), usage.get());
            sendProto(exchange, out -> MetricsProto.writeSingle(out, "PodMetrics", item, MetricsProto.now(now)));
            return;
        }
        try (JsonGenerator g = start(exchange, n)) {
            writer(g, n, include).single(pod.get(), usage.get());
            Generators.finish(g, n.yaml());
        }
    }

    private void listNodes(HttpServerExchange exchange, Negotiation n, MetricsWriter.IncludeObject include,
            LabelSelector labels, FieldSelector fields, ClusterView cluster, MetricsStore store) throws IOException {
        LabelSelector selector = settings.nodeSelector().and(labels);
        String onlyName = fields.requiredName();
        Collection<NodeInfo> candidates = onlyName != null
                ? cluster.node(onlyName).map(java.util.List::of).orElse(java.util.List.of())
                : cluster.nodes();
        if (n.protobuf()) {
            long now = epochNanos.getAsLong();
            List<MetricsProto.Split> items = new ArrayList<>();
            long length = 0;
            for (NodeInfo node : candidates) {
                if (!fields.matches(node.name(), null) || !selector.matches(node.labels())) {
                    continue;
                }
                Optional<NodeUsage> usage = store.nodeUsage(node.name());
                if (usage.isPresent()) {
                    observe(now, usage.get().timestampNanos());
                    MetricsProto.Split item = MetricsProto.node(node, usage.get());
                    items.add(item);
                    length += MetricsProto.ListWriter.itemLength(item);
                }
            }
            sendProtoList(exchange, "NodeMetricsList", items, length, now);
            return;
        }
        try (JsonGenerator g = start(exchange, n)) {
            MetricsWriter w = writer(g, n, include);
            w.startList("NodeMetricsList");
            for (NodeInfo node : candidates) {
                if (!fields.matches(node.name(), null) || !selector.matches(node.labels())) {
                    continue;
                }
                Optional<NodeUsage> usage = store.nodeUsage(node.name());
                if (usage.isPresent()) {
                    w.node(node, usage.get());
                }
            }
            w.endList();
            Generators.finish(g, n.yaml());
        }
    }

    private void listPods(HttpServerExchange exchange, Negotiation n, MetricsWriter.IncludeObject include,
            String namespace, LabelSelector labels, FieldSelector fields, ClusterView cluster, MetricsStore store)
            throws IOException {
        Collection<PodInfo> candidates = namespace.isEmpty() ? cluster.pods() : cluster.pods(namespace);
        if (n.protobuf() || (!n.yaml() && !n.table())) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE,
                    n.protobuf() ? MetricsProto.MEDIA_TYPE : Negotiation.JSON_TYPE);
            try (CompressibleBody body = new CompressibleBody(exchange)) {
                writePodList(body, n.protobuf(), candidates, namespace.isEmpty(), labels, fields, store);
                body.finish();
            }
            return;
        }
        try (JsonGenerator g = start(exchange, n)) {
            MetricsWriter w = writer(g, n, include);
            w.startList("PodMetricsList");
            for (Listed item : selectPods(candidates, labels, fields, store)) {
                w.pod(item.pod(), item.usage());
            }
            w.endList();
            Generators.finish(g, n.yaml());
        }
    }

    /**
     * A JSON or protobuf PodMetricsList of the candidates that match the selectors and have usage: the list
     * path of every {@code kubectl top pod} and HPA, apart from the exchange so that it can be measured alone.
     * Each pod's usage is read into one reused buffer (no object per pod); the cluster view's full collection
     * is paired with the store's handles once ({@link PodHandles}). JSON is written as the pods are read;
     * protobuf reads them into a {@link PodTable} first, because its envelope states the length up front (a full
     * list's table is kept for the next full list, and a large one is measured in two halves at once: see
     * {@link #writeFullProtobuf}).
     *
     * @param all true when {@code candidates} is the cluster view's collection of all pods (kept paired)
     * @return the number of pods listed
     */
    int writePodList(OutputStream out, boolean protobuf, Collection<PodInfo> candidates, boolean all,
            LabelSelector labels, FieldSelector fields, MetricsStore store) throws IOException {
        PodHandles handles = null;
        PodInfo[] listed = null;
        if (all) {
            handles = PodHandles.of(candidates, store, pairing.forFullList());
            pairing.keep(handles);
        } else {
            listed = candidates.toArray(new PodInfo[0]);
        }
        int count = handles != null ? handles.size() : listed.length;
        long now = epochNanos.getAsLong();
        PodListWriter writer = new PodListWriter(out, generators);
        boolean selectsAll = labels.isEverything() && fields.isEverything();
        boolean full = all && selectsAll;
        if (full && protobuf) {
            return writeFullProtobuf(writer, handles, count, now);
        }
        // a namespace's list without selectors knows its size; selectors start small
        PodTable table = protobuf ? new PodTable(selectsAll ? Math.max(count, 16) : 16) : null;
        return writeItems(writer, table, handles, listed, count, labels, fields, store, now);
    }

    /**
     * A full protobuf list, measured into the kept table ({@link #spareTable}), which remembers the pods' metadata
     * lengths for the next one. A large list's measuring pass (it delays the first byte: the envelope states the
     * length first) runs over its two halves at once: the second half in the common fork-join pool while this
     * thread measures the first, taken back and measured here when no pool thread has started it (the pool is
     * busy). The pass is bound by memory latency, so two threads overlap their misses: 350,000 pods in process,
     * first byte 50 -> 35-41 ms (testing/benchmarks/README.md). The items are written in the pairing's order either
     * way.
     */
    private int writeFullProtobuf(PodListWriter writer, PodHandles handles, int count, long now) throws IOException {
        boolean halves = count >= halvesFrom;
        int half = halves ? count >>> 1 : count;
        PodTable table = take(spareTable, half);
        table.pairWith(handles); // its remembered metadata lengths, by this pairing's indices
        PodTable second = halves ? take(spareHalf, count - half) : null;
        LongConsumer sampled = timestampNanos -> observe(now, timestampNanos);
        ForkJoinTask<Long> secondTask = null;
        if (halves) {
            FullListMeasure secondPass = new FullListMeasure(handles, half, count, second, table,
                    new PodMetadataEncoder(generators), sampled);
            secondTask = ForkJoinTask.adapt(secondPass::measure);
            secondTask.fork();
        }
        long length;
        try {
            length = new FullListMeasure(handles, 0, half, table, table, writer.metadata(), sampled).measure();
        } catch (RuntimeException | Error e) {
            if (secondTask != null) {
                secondTask.cancel(false);
            }
            throw e;
        }
        if (secondTask != null) {
            length += secondTask.tryUnfork() ? secondTask.invoke() : secondTask.join();
        }
        int written = table.rows();
        if (second == null) {
            writer.protobuf(length, now, table);
        } else {
            writer.protobuf(length, now, table, second);
            written += second.rows();
            second.clear();
            spareHalf.set(new SoftReference<>(second));
        }
        // kept only after a list that completed: a table whose write failed (a remembered length the writer's
        // check refused, or a client gone) is dropped with what it remembered, so no failure repeats
        table.clear();
        spareTable.set(new SoftReference<>(table));
        return written;
    }

    private static PodTable take(AtomicReference<SoftReference<PodTable>> kept, int rows) {
        SoftReference<PodTable> spare = kept.getAndSet(null);
        PodTable table = spare == null ? null : spare.get();
        return table != null ? table : new PodTable(rows);
    }

    /** The list's items, JSON when {@code table} is null, else protobuf measured into the table first. */
    private int writeItems(PodListWriter writer, PodTable table, PodHandles handles, PodInfo[] listed, int count,
            LabelSelector labels, FieldSelector fields, MetricsStore store, long now) throws IOException {
        boolean protobuf = table != null;
        boolean allLabels = labels.isEverything();
        boolean allFields = fields.isEverything();
        PodUsageBuffer usage = new PodUsageBuffer();
        long protoLength = 0;
        if (!protobuf) {
            writer.jsonStart(now);
        }
        int written = 0;
        for (int i = 0; i < count; i++) {
            PodInfo pod = handles != null ? handles.pod(i) : listed[i];
            if (!allFields && !fields.matches(pod.name(), pod.namespace())) {
                continue;
            }
            if (!allLabels && !labels.matches(pod.labels())) {
                continue;
            }
            PodSeriesRef ref = handles != null ? handles.ref(i) : store.podSeries(pod.namespace(), pod.name());
            if (ref == null || !ref.read(usage)) {
                continue;
            }
            observe(now, usage.timestampNanos());
            if (protobuf) {
                int metadataLength = writer.metadata().protoBodyLength(pod);
                int usageLength = PodUsageEncoder.length(usage);
                table.add(pod, metadataLength, usage, usageLength);
                protoLength += PodListWriter.protoItemLength(metadataLength, usageLength);
            } else {
                writer.jsonItem(pod, usage);
            }
            written++;
        }
        if (protobuf) {
            writer.protobuf(protoLength, now, table);
        } else {
            writer.jsonEnd();
        }
        return written;
    }

    /** A pod of a YAML or Table list, with its usage. */
    private record Listed(PodInfo pod, PodUsage usage) {
    }

    /** The candidates (sorted) that match the selectors and have usage. */
    private static List<Listed> selectPods(Collection<PodInfo> candidates, LabelSelector labels,
            FieldSelector fields, MetricsStore store) {
        List<Listed> items = new ArrayList<>();
        for (PodInfo pod : candidates) {
            if (!fields.matches(pod.name(), pod.namespace()) || !labels.matches(pod.labels())) {
                continue;
            }
            Optional<PodUsage> usage = store.podUsage(pod.namespace(), pod.name());
            if (usage.isPresent()) {
                items.add(new Listed(pod, usage.get()));
            }
        }
        return items;
    }

    private interface ProtoBody {
        void write(OutputStream out) throws IOException;
    }

    private static void sendProto(HttpServerExchange exchange, ProtoBody body) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, MetricsProto.MEDIA_TYPE);
        OutputStream out = exchange.getOutputStream();
        body.write(out);
        out.flush();
    }

    private static void sendProtoList(HttpServerExchange exchange, String kind, List<MetricsProto.Split> items,
            long itemsLength, long nowNanos) throws IOException {
        byte[] now = MetricsProto.now(nowNanos);
        sendProto(exchange, out -> {
            MetricsProto.ListWriter w = new MetricsProto.ListWriter(out);
            w.start(kind, itemsLength);
            for (MetricsProto.Split item : items) {
                w.item(item, now);
            }
            w.end();
        });
    }

    private void observe(long nowNanos, long timestampNanos) {
        if (freshness != null) {
            freshness.observe((nowNanos - timestampNanos) / 1e9);
        }
    }

    private JsonGenerator start(HttpServerExchange exchange, Negotiation n) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, n.contentType());
        return generators.createForMetrics(exchange.getOutputStream(), n.yaml());
    }

    private MetricsWriter writer(JsonGenerator g, Negotiation n, MetricsWriter.IncludeObject include) {
        return new MetricsWriter(g, n.table(), include, epochNanos.getAsLong(), freshness);
    }

    private void sendStatus(HttpServerExchange exchange, Negotiation n, ApiStatus status) throws IOException {
        exchange.setStatusCode(status.code());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, n.yaml() ? Negotiation.YAML_TYPE : Negotiation.JSON_TYPE);
        try (JsonGenerator g = generators.create(exchange.getOutputStream(), n.yaml())) {
            status.write(g);
            Generators.finish(g, n.yaml());
        }
    }

    /**
     * Drops the kept full-list pairing now: the responder was replaced (configuration change, bundle stop), and a
     * pending idle check would otherwise keep every pod's handle, and the old store, for up to two idle periods.
     */
    void close() {
        pairing.drop();
        spareTable.set(null);
    }
}
