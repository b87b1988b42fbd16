package io.kma.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The simulated kube-apiserver: authentication, authorization, discovery, nodes and pods with
 * selectors/paging/metadata-only/Table/watch, reviews, the auth ConfigMap, the APIService and the
 * aggregator front for metrics.k8s.io. Runs on worker threads (blocking).
 */
final class ApiServerHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerHandler.class);
    static final String METRICS_GROUP = "metrics.k8s.io";

    private final Simulator sim;
    private final ClusterState cluster;
    private final Authenticator authenticator;
    private final Policy policy;
    private final AggregatorProxy proxy;
    private final AdminHandler admin;

    ApiServerHandler(Simulator sim) {
        this.sim = sim;
        this.cluster = sim.cluster();
        this.authenticator = sim.authenticator();
        this.policy = sim.policy();
        this.proxy = sim.aggregator();
        this.admin = new AdminHandler(sim);
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this);
            return;
        }
        ex.startBlocking();
        try {
            route(ex);
        } catch (IllegalArgumentException e) {
            if (!ex.isResponseStarted()) {
                Http.status(ex, 400, "BadRequest", e.getMessage());
            }
        } catch (IOException e) {
            LOG.debug("client went away: {} {}: {}", ex.getRequestMethod(), ex.getRequestPath(), e.toString());
        }
    }

    private void route(HttpServerExchange ex) throws IOException {
        Identity id;
        try {
            id = authenticator.authenticate(ex);
        } catch (Authenticator.InvalidCredential e) {
            id = null;
        }
        if (id == null) {
            Http.status(ex, 401, "Unauthorized", "Unauthorized");
            return;
        }
        String path = ex.getRequestPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String method = ex.getRequestMethod().toString();
        String[] seg = path.substring(1).split("/");

        if (path.startsWith("/simulator/")) {
            if (!id.inGroup(Policy.MASTERS)) {
                Http.status(ex, 403, "Forbidden", "simulator admin API is for system:masters only: User \"" + id.user() + "\"");
                return;
            }
            admin.handle(ex, method, seg);
            return;
        }
        if (path.equals("/apis/" + METRICS_GROUP) || path.startsWith("/apis/" + METRICS_GROUP + "/")) {
            proxy.handle(ex, id, path, seg);
            return;
        }
        if (path.equals(CertificateSigningRequests.PREFIX) || path.startsWith(CertificateSigningRequests.PREFIX + "/")) {
            sim.csrs().handle(ex, this, id, method, path.substring(CertificateSigningRequests.PREFIX.length()));
            return;
        }
        RegistrationObjects.Target registrationTarget = sim.registrationObjects().target(seg);
        if (registrationTarget != null) {
            sim.registrationObjects().handle(ex, this, id, method, registrationTarget);
            return;
        }
        if (method.equals("POST")) {
            post(ex, id, path);
            return;
        }
        if (!method.equals("GET")) {
            Http.status(ex, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            return;
        }
        switch (path) {
            case "/api", "/apis", "/version", "/healthz", "/livez", "/readyz", "/api/v1" -> {
                if (!authorize(ex, id, Attributes.nonResource("get", path))) {
                    return;
                }
                Discovery.serve(ex, sim, path);
                return;
            }
            default -> { }
        }
        if (seg.length == 2 && seg[0].equals("apis") || seg.length == 3 && seg[0].equals("apis") && Discovery.isGroupVersion(seg[1], seg[2])) {
            if (!authorize(ex, id, Attributes.nonResource("get", path))) {
                return;
            }
            Discovery.serve(ex, sim, path);
            return;
        }
        // /api/v1/nodes[/name]
        if (seg.length >= 3 && seg[0].equals("api") && seg[1].equals("v1")) {
            if (seg[2].equals("nodes") && seg.length <= 4) {
                String name = seg.length == 4 ? seg[3] : null;
                resource(ex, id, "nodes", null, name);
                return;
            }
            if (seg[2].equals("pods") && seg.length == 3) {
                resource(ex, id, "pods", null, null);
                return;
            }
            if (seg[2].equals("namespaces") && seg.length >= 5 && seg[4].equals("pods") && seg.length <= 6) {
                resource(ex, id, "pods", seg[3], seg.length == 6 ? seg[5] : null);
                return;
            }
            if (seg[2].equals("namespaces") && seg.length == 6 && seg[4].equals("configmaps")) {
                configMap(ex, id, seg[3], seg[5]);
                return;
            }
            if (seg[2].equals("namespaces") && seg.length <= 4) {
                namespaces(ex, id, seg.length == 4 ? seg[3] : null);
                return;
            }
        }
        if (path.startsWith("/apis/apiregistration.k8s.io/v1/apiservices")) {
            String name = seg.length == 5 ? seg[4] : null;
            if (!authorize(ex, id, Attributes.resource(name == null ? "list" : "get", "apiregistration.k8s.io", "apiservices", "", "", name))) {
                return;
            }
            sim.registration().serve(ex, name);
            return;
        }
        Http.status(ex, 404, "NotFound", "the server could not find the requested resource");
    }

    boolean authorize(HttpServerExchange ex, Identity id, Attributes a) throws IOException {
        if (policy.allows(id, a)) {
            return true;
        }
        Http.status(ex, 403, "Forbidden", a.forbiddenMessage(id.user()), a.isResource() ? a.group() : null,
                a.isResource() ? a.resource() : null, a.isResource() && !a.name().isEmpty() ? a.name() : null);
        return false;
    }

    // ---- nodes and pods ----

    private void resource(HttpServerExchange ex, Identity id, String resource, String namespace, String name) throws IOException {
        boolean watch = Http.flag(ex, "watch");
        String verb = watch ? "watch" : name != null ? "get" : "list";
        if (!authorize(ex, id, Attributes.resource(verb, "", resource, "", namespace, name))) {
            return;
        }
        Media media = Media.negotiate(ex.getRequestHeaders().getFirst("Accept"));
        if (media == Media.UNACCEPTABLE) {
            Http.status(ex, 406, "NotAcceptable", "only the following media types are accepted: application/json, application/json;as=Table;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1");
            return;
        }
        LabelSelector labels = LabelSelector.parse(Http.param(ex, "labelSelector"));
        FieldSelector fields = FieldSelector.parse(Http.param(ex, "fieldSelector"),
                resource.equals("pods") ? FieldSelector.POD_FIELDS : FieldSelector.NODE_FIELDS, resource);
        if (watch) {
            new WatchStream(sim, ex, resource, namespace, name, labels, fields, media.metadataOnly() || media == Media.METADATA_LIST).run();
            return;
        }
        if (name != null) {
            getOne(ex, resource, namespace, name, media);
            return;
        }
        list(ex, resource, namespace, labels, fields, media);
    }

    private void getOne(HttpServerExchange ex, String resource, String namespace, String name, Media media) throws IOException {
        Object obj = resource.equals("nodes") ? cluster.node(name) : cluster.pod(namespace, name);
        if (obj == null) {
            Http.status(ex, 404, "NotFound", resource + " \"" + name + "\" not found", "", resource, name);
            return;
        }
        if (media == Media.TABLE) {
            Http.json(ex, 200, media.contentType, g -> Tables.table(g, resource, List.of(obj), cluster.resourceVersion(), null));
            return;
        }
        boolean meta = media.metadataOnly();
        Http.json(ex, 200, meta ? Media.METADATA.contentType : "application/json", g -> writeObject(g, obj, meta, true));
    }

    static void writeObject(JsonGenerator g, Object obj, boolean metadataOnly, boolean typeMeta) throws IOException {
        if (obj instanceof SimNode n) {
            Render.node(g, n, metadataOnly, typeMeta);
        } else {
            Render.pod(g, (SimPod) obj, metadataOnly, typeMeta);
        }
    }

    /** What a continue token carries, as kube-apiserver's: the list's resourceVersion and the last key. */
    record Continue(long rv, String start) {
        String encode() {
            String json = "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + rv + ",\"start\":\"" + start + "\"}";
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }

        static Continue decode(String token) {
            try {
                JsonNode n = Http.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
                return new Continue(n.get("rv").asLong(), n.get("start").asText());
            } catch (Exception e) {
                throw new IllegalArgumentException("continue key is not valid: " + e.getMessage());
            }
        }
    }

    private void list(HttpServerExchange ex, String resource, String namespace, LabelSelector labels, FieldSelector fields, Media media) throws IOException {
        String limitParam = Http.param(ex, "limit");
        int limit = limitParam == null ? 0 : Integer.parseInt(limitParam);
        String cont = Http.param(ex, "continue");
        String rvParam = Http.param(ex, "resourceVersion");
        long rv = cluster.resourceVersion();
        if (cont == null && rvParam != null && !rvParam.isEmpty()) {
            // kube-apiserver's cacher (k8s.io/apiserver storage/cacher): resourceVersion=0 is served from the
            // watch cache, which ignores limit (computeListLimit) and answers everything in one response;
            // N > 0 without limit is "not older than N", also from the cache; N > 0 with limit is an exact
            // read of etcd at N (this simulator has no history of objects: it serves the current state
            // unless N is compacted away).
            long asked = Http.resourceVersion(ex, rvParam);
            if (asked < 0) {
                return;
            }
            if (asked == 0) {
                limit = 0;
            } else if (asked > rv) {
                Http.status(ex, 504, "Timeout", "Too large resource version: " + asked + ", current: " + rv);
                return;
            } else if (limit > 0 && asked < sim.cluster().oldestListableVersion()) {
                Http.status(ex, 410, "Expired", "The resourceVersion for the provided list is too old.");
                return;
            }
        }
        Iterator<?> it;
        if (cont != null) {
            Continue c = Continue.decode(cont);
            if (c.rv() < sim.cluster().oldestListableVersion()) {
                Http.status(ex, 410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
                return;
            }
            rv = c.rv();
            it = resource.equals("nodes") ? cluster.nodesAfter(c.start()).values().iterator() : cluster.podsAfter(c.start()).values().iterator();
        } else {
            it = resource.equals("nodes") ? cluster.nodes().iterator() : namespace != null ? cluster.pods(namespace).iterator() : cluster.pods().iterator();
        }
        List<Object> page = new ArrayList<>();
        String next = null;
        while (it.hasNext()) {
            Object o = it.next();
            if (o instanceof SimPod p) {
                if (namespace != null && !p.namespace.equals(namespace)) {
                    if (p.namespace.compareTo(namespace) > 0) {
                        break;
                    }
                    continue;
                }
                if (!labels.matches(p.labels) || !fields.matchesPod(p)) {
                    continue;
                }
            } else {
                SimNode n = (SimNode) o;
                if (!labels.matches(n.labels) || !fields.matchesNode(n)) {
                    continue;
                }
            }
            if (limit > 0 && page.size() == limit) {
                Object last = page.get(page.size() - 1);
                next = new Continue(rv, last instanceof SimPod p ? p.key() : ((SimNode) last).name).encode();
                break;
            }
            page.add(o);
        }
        final String continueToken = next;
        final long listRv = rv;
        if (media == Media.TABLE) {
            Http.json(ex, 200, media.contentType, g -> Tables.table(g, resource, page, listRv, continueToken));
            return;
        }
        boolean meta = media.metadataOnly();
        String kind = resource.equals("nodes") ? "NodeList" : "PodList";
        Http.json(ex, 200, meta ? Media.METADATA_LIST.contentType : "application/json", g -> {
            g.writeStartObject();
            Render.typeMeta(g, meta ? "PartialObjectMetadataList" : kind, meta ? "meta.k8s.io/v1" : "v1");
            g.writeObjectFieldStart("metadata");
            g.writeStringField("resourceVersion", Long.toString(listRv));
            if (continueToken != null) {
                g.writeStringField("continue", continueToken);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("items");
            for (Object o : page) {
                // items in a list carry their kind only in metadata-only form, as kube-apiserver does
                writeObject(g, o, meta, meta);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void namespaces(HttpServerExchange ex, Identity id, String name) throws IOException {
        if (!authorize(ex, id, Attributes.resource(name == null ? "list" : "get", "", "namespaces", "", "", name))) {
            return;
        }
        List<String> names = new ArrayList<>(List.of("default", "kube-system"));
        for (int i = 0; i < sim.profile().namespaceCount(); i++) {
            names.add("sim-ns-" + i);
        }
        if (name != null && !names.contains(name)) {
            Http.status(ex, 404, "NotFound", "namespaces \"" + name + "\" not found", "", "namespaces", name);
            return;
        }
        Http.json(ex, 200, g -> {
            g.writeStartObject();
            if (name == null) {
                Render.typeMeta(g, "NamespaceList", "v1");
                g.writeObjectFieldStart("metadata");
                g.writeStringField("resourceVersion", Long.toString(cluster.resourceVersion()));
                g.writeEndObject();
                g.writeArrayFieldStart("items");
                for (String n : names) {
                    namespace(g, n, false);
                }
                g.writeEndArray();
            } else {
                namespace(g, name, true);
            }
            g.writeEndObject();
        });
    }

    private static void namespace(JsonGenerator g, String name, boolean inline) throws IOException {
        if (!inline) {
            g.writeStartObject();
        }
        Render.typeMeta(g, "Namespace", "v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", name);
        g.writeStringField("uid", Uids.uid(0x2a, name.hashCode() & 0xffffffffL));
        g.writeStringField("resourceVersion", "1");
        g.writeObjectFieldStart("labels");
        g.writeStringField("kubernetes.io/metadata.name", name);
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("status");
        g.writeStringField("phase", "Active");
        g.writeEndObject();
        if (!inline) {
            g.writeEndObject();
        }
    }

    private void configMap(HttpServerExchange ex, Identity id, String namespace, String name) throws IOException {
        if (!authorize(ex, id, Attributes.resource("get", "", "configmaps", "", namespace, name))) {
            return;
        }
        if (!namespace.equals("kube-system") || !name.equals("extension-apiserver-authentication")) {
            Http.status(ex, 404, "NotFound", "configmaps \"" + name + "\" not found", "", "configmaps", name);
            return;
        }
        Map<String, String> data = sim.authConfigMapData();
        Http.json(ex, 200, g -> {
            g.writeStartObject();
            Render.typeMeta(g, "ConfigMap", "v1");
            g.writeObjectFieldStart("metadata");
            g.writeStringField("name", name);
            g.writeStringField("namespace", namespace);
            g.writeStringField("uid", Uids.uid(0xc0f, 1));
            g.writeStringField("resourceVersion", "42");
            g.writeStringField("creationTimestamp", Render.time(sim.startEpochSecond()));
            g.writeEndObject();
            g.writeObjectFieldStart("data");
            for (var e : data.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    // ---- reviews ----

    private void post(HttpServerExchange ex, Identity id, String path) throws IOException {
        String group;
        String resource;
        switch (path) {
            case "/apis/authentication.k8s.io/v1/tokenreviews" -> {
                group = "authentication.k8s.io";
                resource = "tokenreviews";
            }
            case "/apis/authorization.k8s.io/v1/subjectaccessreviews" -> {
                group = "authorization.k8s.io";
                resource = "subjectaccessreviews";
            }
            case "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" -> {
                group = "authorization.k8s.io";
                resource = "selfsubjectaccessreviews";
            }
            default -> {
                Http.status(ex, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                return;
            }
        }
        if (!authorize(ex, id, Attributes.resource("create", group, resource, "", "", ""))) {
            return;
        }
        JsonNode req;
        try {
            req = Http.MAPPER.readTree(Http.body(ex, 1 << 20));
        } catch (IOException e) {
            Http.status(ex, 400, "BadRequest", "invalid request body: " + e.getMessage());
            return;
        }
        ObjectNode resp = Reviews.answer(resource, req, id, authenticator, policy);
        Http.tree(ex, 201, resp);
    }
}
