package io.kma.metrics.api.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.PodInfo;

/**
 * A pod list item's metadata, written per request straight from the cluster view's {@link PodInfo}
 * strings: the bytes {@link MetricsWriter} (JSON) and {@link MetricsProto#metadata} (protobuf) write, with
 * creationTimestamp set to the request's time. Names and namespaces are copied as they are when they need
 * no JSON escaping (every Kubernetes name), through Jackson otherwise. Labels are encoded once per distinct
 * label map in a response (kube-client shares one map instance among pods with equal labels, and a sorted
 * list keeps a ReplicaSet's pods together) in a small direct-mapped cache. Nothing is kept per pod between
 * requests: a per-pod cache of encoded metadata cost 360 bytes of heap per pod (127 MB at 350,000 pods) to
 * save a few string copies per list. One per response; not thread-safe.
 */
final class PodMetadataEncoder {

    private static final byte[] JSON_NAME = ascii("{\"metadata\":{\"name\":");
    private static final byte[] JSON_NAMESPACE = ascii(",\"namespace\":");
    private static final byte[] JSON_CREATED = ascii(",\"creationTimestamp\":\"");
    private static final byte[] JSON_LABELS = ascii(",\"labels\":{");
    private static final byte[] JSON_END = ascii("},\"timestamp\":");
    private static final byte[] NULL = ascii("null");

    /** ObjectMeta fields 2, 4, 5, 6 (empty strings) and 7 (0), as Go writes them. */
    private static final byte[] PROTO_EMPTY_2 = {0x12, 0};
    private static final byte[] PROTO_EMPTY_4_TO_7 = {0x22, 0, 0x2a, 0, 0x32, 0, 0x38, 0};
    /** creationTimestamp (field 8): Time{seconds (now, 5 bytes), nanos 0}, before and after the seconds. */
    private static final byte[] PROTO_CREATED = {0x42, 1 + MetricsProto.NOW_BYTES + 2, 0x08};
    private static final byte[] PROTO_NANOS = {0x10, 0};
    private static final int PROTO_FIXED = PROTO_EMPTY_2.length + PROTO_EMPTY_4_TO_7.length + PROTO_CREATED.length
            + MetricsProto.NOW_BYTES + PROTO_NANOS.length;
    /** ObjectMeta.labels (field 11): one length-delimited map entry per label. */
    private static final int LABEL_TAG = 11 << 3 | ProtoBuffer.LEN;
    /** ObjectMeta is field 1 of PodMetrics. */
    private static final int METADATA_TAG = 1 << 3 | ProtoBuffer.LEN;

    /** Slots of the label cache (a power of two). */
    private static final int SLOTS = 256;

    private final Generators generators;
    private final Map<?, ?>[] labelMaps = new Map<?, ?>[SLOTS];
    private final ProtoBuffer[] labelsJson = new ProtoBuffer[SLOTS];
    private final ProtoBuffer[] labelsProto = new ProtoBuffer[SLOTS];
    private String[] keys = new String[8];
    private int slot;

    PodMetadataEncoder(Generators generators) {
        this.generators = generators;
    }

    /** {@code {"metadata":{…,"creationTimestamp":"now"…},"timestamp":} of a PodMetrics item. */
    void json(ProtoBuffer out, PodInfo pod, byte[] now) {
        out.raw(JSON_NAME);
        jsonQuoted(out, pod.name());
        String namespace = pod.namespace();
        if (namespace != null && !namespace.isEmpty()) {
            out.raw(JSON_NAMESPACE);
            jsonQuoted(out, namespace);
        }
        out.raw(JSON_CREATED).raw(now).raw('"');
        labels(pod.labels());
        out.append(labelsJson[slot]).raw(JSON_END);
    }

    /**
     * The length of the ObjectMeta {@link #proto} writes for this pod, without PodMetrics field 1's tag and
     * length. It does not change while the pod object does not, so a caller may keep it between lists.
     */
    int protoBodyLength(PodInfo pod) {
        labels(pod.labels());
        return stringField(pod.name()) + stringField(pod.namespace()) + PROTO_FIXED + labelsProto[slot].size();
    }

    /**
     * PodMetrics field 1 (ObjectMeta) as {@link MetricsProto#metadata} encodes it, with {@code now} in the hole.
     *
     * @param bodyLength {@link #protoBodyLength} of this pod, measured now or kept from an earlier list
     */
    void proto(ProtoBuffer out, PodInfo pod, byte[] now, int bodyLength) {
        labels(pod.labels());
        out.raw(METADATA_TAG).varint(bodyLength);
        out.string(1, pod.name()).raw(PROTO_EMPTY_2).string(3, pod.namespace()).raw(PROTO_EMPTY_4_TO_7)
                .raw(PROTO_CREATED).raw(now).raw(PROTO_NANOS).append(labelsProto[slot]);
    }

    private static int stringField(String s) {
        return ProtoBuffer.fieldSize(PodUsageEncoder.utf8Length(s));
    }

    /** A JSON string with its quotes as Jackson writes it for metrics ({@code null} for null). */
    void jsonQuoted(ProtoBuffer out, String s) {
        if (s == null) {
            out.raw(NULL);
            return;
        }
        out.raw('"');
        if (!out.plainAscii(s)) {
            byte[] quoted = jacksonQuoted(s);
            out.raw(quoted, 1, quoted.length - 2);
        }
        out.raw('"');
    }

    private byte[] jacksonQuoted(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length() + 16);
        try (JsonGenerator g = generators.createForMetrics(b, false)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return b.toByteArray();
    }

    /**
     * Points {@link #slot} at the encoded labels of this map instance, encoding them on a miss into the slot's
     * own buffers (reused: a cluster whose pods all have distinct label maps costs CPU here, not garbage).
     */
    private void labels(Map<String, String> labels) {
        int s = System.identityHashCode(labels) & (SLOTS - 1);
        slot = s;
        if (labelMaps[s] == labels && labelsJson[s] != null) {
            return;
        }
        ProtoBuffer json = labelsJson[s];
        ProtoBuffer proto = labelsProto[s];
        if (json == null) {
            json = new ProtoBuffer(64);
            proto = new ProtoBuffer(64);
            labelsJson[s] = json;
            labelsProto[s] = proto;
        }
        json.reset();
        proto.reset();
        labelMaps[s] = labels;
        if (labels == null || labels.isEmpty()) {
            return;
        }
        int n = 0;
        if (keys.length < labels.size()) {
            keys = new String[labels.size()];
        }
        for (String k : labels.keySet()) {
            keys[n++] = k;
        }
        if (!(labels instanceof SortedMap<?, ?>)) {
            Arrays.sort(keys, 0, n); // Go writes map entries sorted by key
        }
        json.raw(JSON_LABELS);
        for (int i = 0; i < n; i++) {
            String k = keys[i];
            String v = labels.get(k);
            if (i > 0) {
                json.raw(',');
            }
            jsonQuoted(json, k);
            json.raw(':');
            jsonQuoted(json, v);
            proto.raw(LABEL_TAG).varint(stringField(k) + stringField(v)).string(1, k).string(2, v);
            keys[i] = null;
        }
        json.raw('}');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
