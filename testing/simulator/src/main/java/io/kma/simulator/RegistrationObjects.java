package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The objects a self-registering aggregated API server writes, stored as kube-apiserver stores them: core/v1
 * {@code endpoints}, {@code discovery.k8s.io} {@code endpointslices} (served as v1 and v1beta1 from one store, as
 * kube-apiserver converts; v1 can be switched off to act as kube-apiserver 1.20) and {@code coordination.k8s.io/v1}
 * {@code leases}. Get, list (label selector), create, update and delete, with resourceVersion optimistic concurrency
 * (a stale or missing-object update is 409 Conflict or 404 as kube-apiserver answers), authorized through the
 * simulator's {@link Policy}. Unlike kube-apiserver, loopback addresses are accepted in Endpoints and EndpointSlices:
 * the simulator's appliances listen on 127.0.0.0/8. No watch: clients poll. Answers are JSON.
 */
public final class RegistrationObjects {
    static final String DISCOVERY = "discovery.k8s.io";
    static final String COORDINATION = "coordination.k8s.io";
    private static final int MAX_OBJECTS = 1000;
    private static final int MAX_BODY = 1 << 20;
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** A stored resource type: its group, plural, Kind and whether a missing object may be created by update. */
    public enum Kind {
        ENDPOINTS("", "endpoints", "Endpoints", true),
        ENDPOINT_SLICES(DISCOVERY, "endpointslices", "EndpointSlice", false),
        LEASES(COORDINATION, "leases", "Lease", false);

        final String group;
        final String resource;
        final String kind;
        final boolean createOnUpdate;

        Kind(String group, String resource, String kind, boolean createOnUpdate) {
            this.group = group;
            this.resource = resource;
            this.kind = kind;
            this.createOnUpdate = createOnUpdate;
        }

        String qualified() {
            return group.isEmpty() ? resource : resource + "." + group;
        }
    }

    /** What a path addresses: the kind, the API version asked for, the namespace (null: all) and name (null: the collection). */
    record Target(Kind kind, String version, String namespace, String name) {
        String apiVersion() {
            return kind.group.isEmpty() ? version : kind.group + "/" + version;
        }
    }

    private final AtomicLong resourceVersion = new AtomicLong(1000);
    private final AtomicLong uids = new AtomicLong();
    /** Per kind, "namespace/name" → object; guarded by this. */
    private final Map<Kind, TreeMap<String, ObjectNode>> objects = new java.util.EnumMap<>(Kind.class);
    private volatile boolean endpointSliceV1 = true;

    RegistrationObjects() {
        for (Kind k : Kind.values()) {
            objects.put(k, new TreeMap<>());
        }
    }

    /** Whether {@code discovery.k8s.io/v1} is served (kube-apiserver 1.21+); off, only v1beta1 is, as in 1.20. */
    public void serveEndpointSliceV1(boolean served) {
        endpointSliceV1 = served;
    }

    boolean servesEndpointSliceV1() {
        return endpointSliceV1;
    }

    /** A copy of the stored object, or null. */
    public ObjectNode get(Kind kind, String namespace, String name) {
        synchronized (this) {
            ObjectNode o = objects.get(kind).get(namespace + "/" + name);
            return o == null ? null : o.deepCopy();
        }
    }

    /** Copies of the stored objects of a kind in a namespace. */
    public List<ObjectNode> list(Kind kind, String namespace) {
        synchronized (this) {
            return objects.get(kind).values().stream()
                    .filter(o -> o.path("metadata").path("namespace").asText().equals(namespace))
                    .map(ObjectNode::deepCopy).toList();
        }
    }

    /** The ready addresses of the Endpoints {@code namespace/name} whose port is named {@code portName}, as "ip:port". */
    public List<String> readyAddresses(String namespace, String name, String portName) {
        List<String> out = new ArrayList<>();
        ObjectNode ep = get(Kind.ENDPOINTS, namespace, name);
        if (ep == null) {
            return out;
        }
        for (JsonNode subset : ep.path("subsets")) {
            int port = -1;
            for (JsonNode p : subset.path("ports")) {
                if (p.path("name").asText("").equals(portName)) {
                    port = p.path("port").asInt(-1);
                }
            }
            if (port <= 0) {
                continue;
            }
            for (JsonNode a : subset.path("addresses")) {
                out.add(a.path("ip").asText() + ":" + port);
            }
        }
        return out;
    }

    /** The target of a path, or null when the path is none of these resources (or names an unserved version). */
    Target target(String[] seg) {
        // /api/v1/[namespaces/NS/]endpoints[/NAME]
        if (seg.length >= 3 && seg[0].equals("api") && seg[1].equals("v1")) {
            return target(Kind.ENDPOINTS, "v1", seg, 2);
        }
        if (seg.length >= 4 && seg[0].equals("apis")) {
            if (seg[1].equals(DISCOVERY) && (seg[2].equals("v1beta1") || seg[2].equals("v1") && endpointSliceV1)) {
                return target(Kind.ENDPOINT_SLICES, seg[2], seg, 3);
            }
            if (seg[1].equals(COORDINATION) && seg[2].equals("v1")) {
                return target(Kind.LEASES, "v1", seg, 3);
            }
        }
        return null;
    }

    private static Target target(Kind kind, String version, String[] seg, int i) {
        String ns = null;
        if (seg.length > i + 2 && seg[i].equals("namespaces")) {
            ns = seg[i + 1];
            i += 2;
        }
        if (!seg[i].equals(kind.resource) || seg.length > i + 2) {
            return null;
        }
        String name = seg.length == i + 2 ? seg[i + 1] : null;
        if (ns == null && name != null) {
            return null; // namespaced resources have no cluster-scoped object path
        }
        return new Target(kind, version, ns, name);
    }

    void handle(HttpServerExchange ex, ApiServerHandler api, Identity id, String method, Target t) throws IOException {
        String verb = switch (method) {
            case "GET" -> t.name() == null ? (Http.flag(ex, "watch") ? "watch" : "list") : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "DELETE" -> t.name() == null ? "deletecollection" : "delete";
            default -> null;
        };
        if (verb == null || verb.equals("watch") || verb.equals("deletecollection")
                || (verb.equals("create") && t.name() != null) || (verb.equals("update") && t.name() == null)
                || (verb.equals("create") && t.namespace() == null)) {
            Http.status(ex, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            return;
        }
        if (!api.authorize(ex, id, Attributes.resource(verb, t.kind().group, t.kind().resource, "", t.namespace(), t.name()))) {
            return;
        }
        switch (verb) {
            case "get" -> getOne(ex, t);
            case "list" -> list(ex, t, LabelSelector.parse(Http.param(ex, "labelSelector")));
            case "create" -> create(ex, t);
            case "update" -> update(ex, t);
            default -> delete(ex, t);
        }
    }

    private void getOne(HttpServerExchange ex, Target t) throws IOException {
        ObjectNode o = get(t.kind(), t.namespace(), t.name());
        if (o == null) {
            notFound(ex, t, t.name());
            return;
        }
        Http.tree(ex, 200, versioned(o, t));
    }

    private void list(HttpServerExchange ex, Target t, LabelSelector selector) throws IOException {
        ObjectNode l = Http.MAPPER.createObjectNode();
        l.put("apiVersion", t.apiVersion());
        l.put("kind", t.kind().kind + "List");
        ArrayNode items;
        synchronized (this) {
            l.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion.get()));
            items = l.putArray("items");
            for (ObjectNode o : objects.get(t.kind()).values()) {
                JsonNode meta = o.path("metadata");
                if (t.namespace() != null && !meta.path("namespace").asText().equals(t.namespace())) {
                    continue;
                }
                if (selector.matches(labels(meta))) {
                    ObjectNode item = versioned(o.deepCopy(), t);
                    item.remove("apiVersion");
                    item.remove("kind");
                    items.add(item);
                }
            }
        }
        Http.tree(ex, 200, l);
    }

    private void create(HttpServerExchange ex, Target t) throws IOException {
        ObjectNode body = validBody(ex, t, false);
        if (body == null) {
            return;
        }
        ObjectNode meta = body.with("metadata");
        String name = meta.path("name").asText("");
        String key = t.namespace() + "/" + name;
        synchronized (this) {
            TreeMap<String, ObjectNode> store = objects.get(t.kind());
            if (store.containsKey(key)) {
                Http.status(ex, 409, "AlreadyExists", t.kind().qualified() + " \"" + name + "\" already exists",
                        t.kind().group, t.kind().resource, name);
                return;
            }
            if (full(ex, t, store)) {
                return;
            }
            meta.put("namespace", t.namespace());
            meta.put("uid", Uids.uid(0xe9d, uids.incrementAndGet()));
            meta.put("creationTimestamp", Render.time(Instant.now().getEpochSecond()));
            meta.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
            ObjectNode stored = stored(body, t);
            store.put(key, stored);
            Http.tree(ex, 201, versioned(stored.deepCopy(), t));
        }
    }

    private void update(HttpServerExchange ex, Target t) throws IOException {
        ObjectNode body = validBody(ex, t, true);
        if (body == null) {
            return;
        }
        ObjectNode meta = body.with("metadata");
        String name = meta.path("name").asText("");
        String key = t.namespace() + "/" + name;
        synchronized (this) {
            TreeMap<String, ObjectNode> store = objects.get(t.kind());
            ObjectNode old = store.get(key);
            String rv = meta.path("resourceVersion").asText("");
            if (old == null) {
                if (!t.kind().createOnUpdate || !rv.isEmpty()) {
                    notFound(ex, t, name);
                    return;
                }
                if (full(ex, t, store)) {
                    return;
                }
                meta.put("uid", Uids.uid(0xe9d, uids.incrementAndGet()));
                meta.put("creationTimestamp", Render.time(Instant.now().getEpochSecond()));
            } else {
                // kube-apiserver allows an unconditional update of these kinds when no resourceVersion is sent
                if (!rv.isEmpty() && !rv.equals(old.path("metadata").path("resourceVersion").asText())) {
                    conflict(ex, t, name);
                    return;
                }
                JsonNode oldMeta = old.get("metadata");
                meta.set("uid", oldMeta.get("uid"));
                meta.set("creationTimestamp", oldMeta.get("creationTimestamp"));
            }
            meta.put("namespace", t.namespace());
            meta.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
            ObjectNode stored = stored(body, t);
            store.put(key, stored);
            Http.tree(ex, old == null ? 201 : 200, versioned(stored.deepCopy(), t));
        }
    }

    /** Whether a new object would pass the simulator's bound (a create, or an update that creates); answered 429 if so. */
    private static boolean full(HttpServerExchange ex, Target t, Map<String, ObjectNode> store) throws IOException {
        if (store.size() < MAX_OBJECTS) {
            return false;
        }
        Http.status(ex, 429, "TooManyRequests", "the simulator keeps at most " + MAX_OBJECTS + " " + t.kind().resource);
        return true;
    }

    /**
     * The request's object when it is valid for {@code t} (for an update, named as on the URL), else null with the
     * error already answered.
     */
    private ObjectNode validBody(HttpServerExchange ex, Target t, boolean namedByUrl) throws IOException {
        ObjectNode body = readBody(ex);
        if (body == null) {
            return null;
        }
        String name = body.with("metadata").path("name").asText("");
        if (namedByUrl && !name.equals(t.name())) {
            Http.status(ex, 400, "BadRequest", "the name of the object (" + name + ") does not match the name on the URL (" + t.name() + ")");
            return null;
        }
        String problem = validate(t, body, name);
        if (problem != null) {
            invalid(ex, t, name, problem);
            return null;
        }
        return body;
    }

    private void delete(HttpServerExchange ex, Target t) throws IOException {
        String preconditionRv = null;
        byte[] raw = Http.body(ex, MAX_BODY);
        if (raw.length > 0) {
            try {
                preconditionRv = Http.MAPPER.readTree(raw).path("preconditions").path("resourceVersion").asText(null);
            } catch (IOException e) {
                Http.status(ex, 400, "BadRequest", "invalid request body: " + e.getMessage());
                return;
            }
        }
        String key = t.namespace() + "/" + t.name();
        synchronized (this) {
            TreeMap<String, ObjectNode> store = objects.get(t.kind());
            ObjectNode old = store.get(key);
            if (old == null) {
                notFound(ex, t, t.name());
                return;
            }
            if (preconditionRv != null && !preconditionRv.equals(old.path("metadata").path("resourceVersion").asText())) {
                conflict(ex, t, t.name());
                return;
            }
            store.remove(key);
            resourceVersion.incrementAndGet();
            Http.tree(ex, 200, versioned(old.deepCopy(), t));
        }
    }

    /** Stored without type meta, as one version (served in the requested one). */
    private static ObjectNode stored(ObjectNode body, Target t) {
        ObjectNode o = body.deepCopy();
        o.remove("apiVersion");
        o.remove("kind");
        return o;
    }

    private static ObjectNode versioned(ObjectNode o, Target t) {
        ObjectNode out = Http.MAPPER.createObjectNode();
        out.put("apiVersion", t.apiVersion());
        out.put("kind", t.kind().kind);
        out.setAll(o);
        return out;
    }

    private static Map<String, String> labels(JsonNode meta) {
        Map<String, String> m = new TreeMap<>();
        meta.path("labels").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    /** The field errors kube-apiserver's validation would report first, or null. */
    private static String validate(Target t, JsonNode body, String name) {
        if (name.isEmpty()) {
            return "metadata.name: Required value: name or generateName is required";
        }
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            return "metadata.name: Invalid value: \"" + name + "\": a lowercase RFC 1123 subdomain must consist of lower case "
                    + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
        }
        String ns = body.path("metadata").path("namespace").asText("");
        if (!ns.isEmpty() && !ns.equals(t.namespace())) {
            return "metadata.namespace: Invalid value: \"" + ns + "\": does not match the namespace of the request";
        }
        switch (t.kind()) {
            case ENDPOINTS -> {
                int i = 0;
                for (JsonNode subset : body.path("subsets")) {
                    for (String list : new String[]{"addresses", "notReadyAddresses"}) {
                        int j = 0;
                        for (JsonNode a : subset.path(list)) {
                            if (!isIp(a.path("ip").asText(""))) {
                                return "subsets[" + i + "]." + list + "[" + j + "].ip: Invalid value: \"" + a.path("ip").asText("")
                                        + "\": must be a valid IP address";
                            }
                            j++;
                        }
                    }
                    String portProblem = ports(subset.path("ports"), "subsets[" + i + "].ports");
                    if (portProblem != null) {
                        return portProblem;
                    }
                    i++;
                }
            }
            case ENDPOINT_SLICES -> {
                String type = body.path("addressType").asText("");
                if (!type.equals("IPv4") && !type.equals("IPv6") && !type.equals("FQDN")) {
                    return "addressType: Unsupported value: \"" + type + "\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"";
                }
                int i = 0;
                for (JsonNode e : body.path("endpoints")) {
                    JsonNode addresses = e.path("addresses");
                    if (addresses.size() < 1 || addresses.size() > 100) {
                        return "endpoints[" + i + "].addresses: Invalid value: " + addresses.size() + ": must have at least 1 and at most 100 addresses";
                    }
                    if (!type.equals("FQDN") && !isIp(addresses.get(0).asText(""))) {
                        return "endpoints[" + i + "].addresses[0]: Invalid value: \"" + addresses.get(0).asText("") + "\": must be a valid IP address";
                    }
                    i++;
                }
                String portProblem = ports(body.path("ports"), "ports");
                if (portProblem != null) {
                    return portProblem;
                }
            }
            case LEASES -> {
                JsonNode d = body.path("spec").path("leaseDurationSeconds");
                if (!d.isMissingNode() && !d.isNull() && d.asInt() <= 0) {
                    return "spec.leaseDurationSeconds: Invalid value: " + d.asInt() + ": must be greater than 0";
                }
            }
        }
        return null;
    }

    private static String ports(JsonNode ports, String field) {
        int k = 0;
        for (JsonNode p : ports) {
            int port = p.path("port").asInt(0);
            if (port < 1 || port > 65535) {
                return field + "[" + k + "].port: Invalid value: " + port + ": must be between 1 and 65535, inclusive";
            }
            k++;
        }
        return null;
    }

    private static boolean isIp(String s) {
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !(s.contains(":") && s.matches("[0-9a-fA-F:.]+"))) {
            return false; // keeps InetAddress from resolving names
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ObjectNode readBody(HttpServerExchange ex) throws IOException {
        try {
            JsonNode n = Http.MAPPER.readTree(Http.body(ex, MAX_BODY));
            if (n == null || !n.isObject()) {
                throw new IOException("not a JSON object");
            }
            return (ObjectNode) n;
        } catch (IOException e) {
            Http.status(ex, 400, "BadRequest", "invalid request body: " + e.getMessage());
            return null;
        }
    }

    private static void notFound(HttpServerExchange ex, Target t, String name) throws IOException {
        Http.status(ex, 404, "NotFound", t.kind().qualified() + " \"" + name + "\" not found", t.kind().group, t.kind().resource, name);
    }

    private static void conflict(HttpServerExchange ex, Target t, String name) throws IOException {
        Http.status(ex, 409, "Conflict", "Operation cannot be fulfilled on " + t.kind().qualified() + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again",
                t.kind().group, t.kind().resource, name);
    }

    private static void invalid(HttpServerExchange ex, Target t, String name, String cause) throws IOException {
        Http.status(ex, 422, "Invalid", t.kind().kind + (t.kind().group.isEmpty() ? "" : "." + t.kind().group) + " \"" + name
                + "\" is invalid: " + cause, t.kind().group, t.kind().kind, name);
    }
}
