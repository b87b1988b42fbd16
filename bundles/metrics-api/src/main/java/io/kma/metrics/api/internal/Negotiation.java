package io.kma.metrics.api.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the response representation from the Accept header, as kube-apiserver's negotiation does for
 * the media types served here: JSON (default, also for {@code *}{@code /*}), YAML, the meta.k8s.io
 * Table in either, and Kubernetes protobuf ({@code application/vnd.kubernetes.protobuf}, which client-go
 * and {@code kubectl top} ask for first) for the metrics objects and lists. As kube-apiserver, a protobuf
 * Table is not offered (that clause is skipped). When nothing listed is servable JSON is answered anyway
 * rather than 406, which every Kubernetes client decodes; so are documents and Status bodies to a
 * protobuf request (client-go decodes by the response's Content-Type).
 *
 * @param yaml     YAML instead of JSON
 * @param table    a meta.k8s.io/v1 Table (only meaningful for metrics resources)
 * @param protobuf Kubernetes protobuf (only for metrics resources; everything else answers JSON)
 */
record Negotiation(boolean yaml, boolean table, boolean protobuf) {

    static final Negotiation JSON = new Negotiation(false, false, false);
    static final Negotiation PROTOBUF = new Negotiation(false, false, true);

    Negotiation(boolean yaml, boolean table) {
        this(yaml, table, false);
    }

    static final String JSON_TYPE = "application/json";
    static final String YAML_TYPE = "application/yaml";

    private record Range(String type, String subtype, double q, String as, String g, String v, int order) {
    }

    static Negotiation of(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        List<Range> ranges = parse(accept);
        // Highest q first; equal q keeps the client's order, which is how clients express preference.
        ranges.sort(Comparator.comparingDouble((Range r) -> -r.q).thenComparingInt(r -> r.order));
        for (Range r : ranges) {
            if (r.q <= 0) {
                continue;
            }
            boolean json = r.subtype.equals("json") && (r.type.equals("application") || r.type.equals("*"));
            boolean yaml = r.subtype.equals("yaml") && (r.type.equals("application") || r.type.equals("*"));
            boolean any = r.subtype.equals("*") && (r.type.equals("*") || r.type.equals("application"));
            boolean protobuf = r.type.equals("application") && r.subtype.equals("vnd.kubernetes.protobuf");
            if (protobuf) {
                if (r.as == null) {
                    return PROTOBUF;
                }
                continue; // as=Table (or any conversion) is not offered in protobuf, as upstream
            }
            if (!json && !yaml && !any) {
                continue;
            }
            if (r.as == null) {
                return yaml ? new Negotiation(true, false) : JSON;
            }
            if (r.as.equals("Table") && "meta.k8s.io".equals(r.g) && ("v1".equals(r.v) || "v1beta1".equals(r.v))) {
                return new Negotiation(yaml, true);
            }
            // Other "as" targets (PartialObjectMetadata, aggregated discovery) are not served; try the next.
        }
        return JSON;
    }

    String contentType() {
        if (protobuf) {
            return MetricsProto.MEDIA_TYPE;
        }
        if (table) {
            return (yaml ? YAML_TYPE : JSON_TYPE) + ";as=Table;v=v1;g=meta.k8s.io";
        }
        return yaml ? YAML_TYPE : JSON_TYPE;
    }

    private static List<Range> parse(String accept) {
        List<Range> out = new ArrayList<>();
        int order = 0;
        for (String part : accept.split(",")) {
            String[] params = part.split(";");
            if (params.length == 0) {
                continue; // ";" alone splits into nothing (found by NegotiationFuzzTest; it answered 500)
            }
            String mt = params[0].trim().toLowerCase(Locale.ROOT);
            int slash = mt.indexOf('/');
            if (slash <= 0 || slash == mt.length() - 1) {
                continue;
            }
            double q = 1;
            String as = null;
            String g = null;
            String v = null;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String val = p.substring(eq + 1).trim();
                if (val.length() >= 2 && val.startsWith("\"") && val.endsWith("\"")) {
                    val = val.substring(1, val.length() - 1);
                }
                switch (key) {
                    case "q":
                        try {
                            q = Double.parseDouble(val);
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                        break;
                    case "as": as = val; break;
                    case "g": g = val; break;
                    case "v": v = val; break;
                    default: break;
                }
            }
            out.add(new Range(mt.substring(0, slash), mt.substring(slash + 1), q, as, g, v, order++));
        }
        return out;
    }
}
