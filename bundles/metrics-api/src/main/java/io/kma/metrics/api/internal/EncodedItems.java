package io.kma.metrics.api.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.PodInfo;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.PodUsage;

/**
 * Each pod's list item encoded once per sample: the JSON and the protobuf bytes of a PodMetrics, kept
 * while the cluster view's {@link PodInfo} and the store's {@link PodUsage} for that pod are the same
 * objects (both are replaced, never mutated, when anything changes), so a list is a concatenation of
 * byte arrays. Each item is split around its creationTimestamp, which upstream sets to the time of the
 * request. Thread-safe: two requests encoding the same new item race harmlessly.
 */
final class EncodedItems {

    /** Written in place of creationTimestamp, then cut out: no name, namespace or label can hold '@'. */
    private static final String MARKER = "@kma-now@";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    /** One pod's encodings, for exactly this metadata and this usage. */
    static final class Item {
        final PodInfo info;
        final PodUsage usage;
        private volatile byte[][] json;
        private volatile MetricsProto.Split proto;

        Item(PodInfo info, PodUsage usage) {
            this.info = info;
            this.usage = usage;
        }

        /** JSON as {head, tail}: the list writes head, the quoted time, tail. */
        byte[][] json(Generators generators) {
            byte[][] j = json;
            if (j == null) {
                j = encodeJson(generators, info, usage);
                json = j;
            }
            return j;
        }

        MetricsProto.Split proto() {
            MetricsProto.Split p = proto;
            if (p == null) {
                p = MetricsProto.pod(info, usage);
                proto = p;
            }
            return p;
        }
    }

    private final Map<String, Map<String, Item>> items = new ConcurrentHashMap<>();

    /** The item for this pod's current metadata and usage, encoded when either changed. */
    Item get(PodInfo info, PodUsage usage) {
        Map<String, Item> ns = items.computeIfAbsent(info.namespace(), k -> new ConcurrentHashMap<>());
        Item item = ns.get(info.name());
        if (item == null || item.info != info || item.usage != usage) {
            item = new Item(info, usage);
            ns.put(info.name(), item);
        }
        return item;
    }

    int size() {
        int n = 0;
        for (Map<String, Item> ns : items.values()) {
            n += ns.size();
        }
        return n;
    }

    /** Forgets items whose pod the store no longer serves, so the cache never outgrows the cluster. */
    void prune(MetricsStore store) {
        for (Iterator<Map.Entry<String, Map<String, Item>>> nit = items.entrySet().iterator(); nit.hasNext();) {
            Map.Entry<String, Map<String, Item>> ns = nit.next();
            ns.getValue().values().removeIf(i -> store.podUsage(i.info.namespace(), i.info.name()).orElse(null) != i.usage);
            if (ns.getValue().isEmpty()) {
                nit.remove();
            }
        }
    }

    private static byte[][] encodeJson(Generators generators, PodInfo info, PodUsage usage) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256 + 64 * usage.containers().size());
        try (JsonGenerator g = generators.createForMetrics(buf, false)) {
            new MetricsWriter(g, MARKER).pod(info, usage);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        byte[] b = buf.toByteArray();
        int at = indexOf(b, MARKER_BYTES);
        byte[] head = Arrays.copyOfRange(b, 0, at);
        byte[] tail = Arrays.copyOfRange(b, at + MARKER_BYTES.length, b.length);
        return new byte[][] {head, tail};
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i <= b.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("creationTimestamp marker not found in an encoded item");
    }

    private static final byte[] POD_LIST_HEAD = ("{\"kind\":\"PodMetricsList\",\"apiVersion\":\""
            + MetricsWriter.GROUP_VERSION + "\",\"metadata\":{},\"items\":[").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_END = "]}\n".getBytes(StandardCharsets.US_ASCII);

    /** A PodMetricsList body, byte for byte what the streaming {@link MetricsWriter} writes for these items. */
    static void writeJsonList(OutputStream out, List<Item> items, Generators generators, long nowNanos)
            throws IOException {
        byte[] now = new Rfc3339().formatNanos(nowNanos).getBytes(StandardCharsets.US_ASCII);
        out.write(POD_LIST_HEAD);
        boolean first = true;
        for (Item item : items) {
            if (!first) {
                out.write(',');
            }
            first = false;
            byte[][] json = item.json(generators);
            out.write(json[0]);
            out.write(now);
            out.write(json[1]);
        }
        out.write(LIST_END);
    }
}
