package io.kma.metrics.api.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.store.ContainerUsage;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.shared.metrics.Histogram;
import io.kma.shared.time.GoDurations;

/**
 * Streams NodeMetrics / PodMetrics, their lists, or the meta.k8s.io/v1 Table of them, item by item to a
 * generator, with upstream's field order and formatting (reference §4.2, §4.6). Nothing is collected:
 * each item is written as soon as it is handed over, so a list of any size needs no buffer.
 * One instance per response; not thread-safe.
 */
final class MetricsWriter {

    static final String GROUP = "metrics.k8s.io";
    static final String GROUP_VERSION = "metrics.k8s.io/v1beta1";

    /** What a Table row embeds as {@code object} ({@code includeObject} query parameter). */
    enum IncludeObject { NONE, METADATA, OBJECT;

        static IncludeObject of(String param) {
            if ("Object".equals(param)) {
                return OBJECT;
            }
            return "None".equals(param) ? NONE : METADATA;
        }
    }

    // Field names pre-encoded once: each item of a large list writes a dozen of them.
    private static final SerializedString METADATA = new SerializedString("metadata");
    private static final SerializedString NAME = new SerializedString("name");
    private static final SerializedString NAMESPACE = new SerializedString("namespace");
    private static final SerializedString CREATED = new SerializedString("creationTimestamp");
    private static final SerializedString LABELS = new SerializedString("labels");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString WINDOW = new SerializedString("window");
    private static final SerializedString CONTAINERS = new SerializedString("containers");
    private static final SerializedString USAGE = new SerializedString("usage");
    private static final SerializedString CPU = new SerializedString("cpu");
    private static final SerializedString MEMORY = new SerializedString("memory");

    private final JsonGenerator g;
    private final boolean table;
    private final IncludeObject include;
    private final Histogram freshness;
    private final long nowNanos;
    private final String now;
    private final Rfc3339 times = new Rfc3339();
    private final char[] quantity = new char[Quantities.MAX_CHARS];
    private String windowNanosCached;
    private long windowCachedFor = Long.MIN_VALUE;
    private boolean columnsWritten;

    /**
     * @param freshness receives now − timestamp (seconds) for every item written, may be null
     */
    MetricsWriter(JsonGenerator g, boolean table, IncludeObject include, long nowNanos, Histogram freshness) {
        this.g = g;
        this.table = table;
        this.include = include;
        this.nowNanos = nowNanos;
        this.now = times.formatNanos(nowNanos);
        this.freshness = freshness;
    }

    /** Starts a NodeMetricsList / PodMetricsList (or a Table). */
    void startList(String kind) throws IOException {
        g.writeStartObject();
        if (table) {
            tableHeader();
        } else {
            g.writeStringField("kind", kind);
            g.writeStringField("apiVersion", GROUP_VERSION);
            g.writeObjectFieldStart("metadata");
            g.writeEndObject();
            g.writeArrayFieldStart("items");
        }
    }

    void endList() throws IOException {
        if (table) {
            endTable();
        } else {
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A single object answer (get): the object itself, or a Table with one row. */
    void single(NodeInfo node, NodeUsage usage) throws IOException {
        if (table) {
            g.writeStartObject();
            tableHeader();
            node(node, usage);
            endTable();
            g.writeEndObject();
        } else {
            writeNode(node, usage, true);
            observe(usage.timestampNanos());
        }
    }

    void single(PodInfo pod, PodUsage usage) throws IOException {
        if (table) {
            g.writeStartObject();
            tableHeader();
            pod(pod, usage);
            endTable();
            g.writeEndObject();
        } else {
            writePod(pod, usage, true);
            observe(usage.timestampNanos());
        }
    }

    /** One item of a node list. */
    void node(NodeInfo node, NodeUsage usage) throws IOException {
        observe(usage.timestampNanos());
        if (!table) {
            writeNode(node, usage, false);
            return;
        }
        startRow();
        g.writeString(node.name());
        g.writeString(Quantities.cpu(usage.usage().cpuNanoCores()));
        g.writeString(Quantities.memory(usage.usage().memoryBytes()));
        g.writeString(window(usage.windowNanos()));
        g.writeEndArray();
        if (include == IncludeObject.OBJECT) {
            g.writeFieldName("object");
            writeNode(node, usage, true);
        } else if (include == IncludeObject.METADATA) {
            g.writeFieldName("object");
            partial(node.name(), null, node.labels());
        }
        g.writeEndObject();
    }

    /** One item of a pod list. */
    void pod(PodInfo pod, PodUsage usage) throws IOException {
        observe(usage.timestampNanos());
        if (!table) {
            writePod(pod, usage, false);
            return;
        }
        long cpu = 0;
        long memory = 0;
        for (ContainerUsage c : usage.containers()) {
            cpu += c.usage().cpuNanoCores();
            memory += c.usage().memoryBytes();
        }
        startRow();
        g.writeString(pod.name());
        g.writeString(Quantities.cpu(cpu));
        g.writeString(Quantities.memory(memory));
        g.writeString(window(usage.windowNanos()));
        g.writeEndArray();
        if (include == IncludeObject.OBJECT) {
            g.writeFieldName("object");
            writePod(pod, usage, true);
        } else if (include == IncludeObject.METADATA) {
            g.writeFieldName("object");
            partial(pod.name(), pod.namespace(), pod.labels());
        }
        g.writeEndObject();
    }

    private void writeNode(NodeInfo node, NodeUsage usage, boolean typed) throws IOException {
        g.writeStartObject();
        if (typed) {
            g.writeStringField("kind", "NodeMetrics");
            g.writeStringField("apiVersion", GROUP_VERSION);
        }
        metadata(node.name(), null, node.labels());
        g.writeFieldName(TIMESTAMP);
        time(usage.timestampNanos());
        g.writeFieldName(WINDOW);
        g.writeString(window(usage.windowNanos()));
        usage(usage.usage().cpuNanoCores(), usage.usage().memoryBytes());
        g.writeEndObject();
    }

    private void writePod(PodInfo pod, PodUsage usage, boolean typed) throws IOException {
        g.writeStartObject();
        if (typed) {
            g.writeStringField("kind", "PodMetrics");
            g.writeStringField("apiVersion", GROUP_VERSION);
        }
        metadata(pod.name(), pod.namespace(), pod.labels());
        g.writeFieldName(TIMESTAMP);
        time(usage.timestampNanos());
        g.writeFieldName(WINDOW);
        g.writeString(window(usage.windowNanos()));
        g.writeFieldName(CONTAINERS);
        g.writeStartArray();
        for (ContainerUsage c : usage.containers()) {
            g.writeStartObject();
            g.writeFieldName(NAME);
            g.writeString(c.name());
            usage(c.usage().cpuNanoCores(), c.usage().memoryBytes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** ObjectMeta in Go's field order: name, namespace, creationTimestamp (now, as upstream), labels. */
    private void metadata(String name, String namespace, Map<String, String> labels) throws IOException {
        g.writeFieldName(METADATA);
        g.writeStartObject();
        g.writeFieldName(NAME);
        g.writeString(name);
        if (namespace != null && !namespace.isEmpty()) {
            g.writeFieldName(NAMESPACE);
            g.writeString(namespace);
        }
        g.writeFieldName(CREATED);
        g.writeString(now);
        labels(labels);
        g.writeEndObject();
    }

    private void partial(String name, String namespace, Map<String, String> labels) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "PartialObjectMetadata");
        g.writeStringField("apiVersion", "meta.k8s.io/v1");
        metadata(name, namespace, labels);
        g.writeEndObject();
    }

    private void usage(long cpu, long memory) throws IOException {
        g.writeFieldName(USAGE);
        g.writeStartObject();
        g.writeFieldName(CPU);
        g.writeString(quantity, 0, Quantities.cpu(cpu, quantity));
        g.writeFieldName(MEMORY);
        g.writeString(quantity, 0, Quantities.memory(memory, quantity));
        g.writeEndObject();
    }

    /** Labels with sorted keys, as Go writes maps; omitted when empty (omitempty). */
    private void labels(Map<String, String> labels) throws IOException {
        if (labels == null || labels.isEmpty()) {
            return;
        }
        g.writeFieldName(LABELS);
        g.writeStartObject();
        if (labels instanceof SortedMap<?, ?> || labels.size() == 1) {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
        } else {
            String[] keys = labels.keySet().toArray(new String[0]);
            Arrays.sort(keys);
            for (String k : keys) {
                g.writeStringField(k, labels.get(k));
            }
        }
        g.writeEndObject();
    }

    private void time(long epochNanos) throws IOException {
        if (epochNanos == 0) {
            g.writeNull(); // metav1.Time zero value
        } else {
            g.writeString(times.formatNanos(epochNanos));
        }
    }

    /** Windows repeat across items of one cycle; remember the last one. */
    private String window(long nanos) {
        if (nanos != windowCachedFor) {
            windowNanosCached = GoDurations.format(nanos);
            windowCachedFor = nanos;
        }
        return windowNanosCached;
    }

    private void observe(long timestampNanos) {
        if (freshness != null) {
            freshness.observe((nowNanos - timestampNanos) / 1e9);
        }
    }

    private void tableHeader() throws IOException {
        g.writeStringField("kind", "Table");
        g.writeStringField("apiVersion", "meta.k8s.io/v1");
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
    }

    /** Columns come from the first row (upstream derives them from the first item's usage keys). */
    private void startRow() throws IOException {
        if (!columnsWritten) {
            columnsWritten = true;
            g.writeArrayFieldStart("columnDefinitions");
            column("Name", "name", "Name of the resource");
            column("cpu", "quantity", "");
            column("memory", "quantity", "");
            column("Window", "duration", "");
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
        }
        g.writeStartObject();
        g.writeArrayFieldStart("cells");
    }

    private void column(String name, String format, String description) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("type", "string");
        g.writeStringField("format", format);
        g.writeStringField("description", description);
        g.writeNumberField("priority", 0);
        g.writeEndObject();
    }

    private void endTable() throws IOException {
        if (columnsWritten) {
            g.writeEndArray();
        } else {
            // Go's nil slices: an empty table has null columns and rows.
            g.writeNullField("columnDefinitions");
            g.writeNullField("rows");
        }
    }
}
