package io.kma.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy discovery documents. The aggregated-discovery Accept header kubectl 1.32 sends first is
 * answered with legacy JSON and Content-Type application/json, which makes it fall back, as it
 * does against an apiserver without aggregated discovery.
 */
final class Discovery {
    record Group(String name, String version, List<String[]> resources) {
    }

    /** Resource rows: name, singularName, namespaced, kind, verbs (space-separated), shortNames. */
    private static final List<String[]> CORE = List.of(
            new String[]{"configmaps", "configmap", "true", "ConfigMap", "get list watch", "cm"},
            new String[]{"endpoints", "endpoints", "true", "Endpoints", "create delete get list update", "ep"},
            new String[]{"namespaces", "namespace", "false", "Namespace", "get list watch", "ns"},
            new String[]{"nodes", "node", "false", "Node", "get list watch", "no"},
            new String[]{"nodes/metrics", "", "false", "Node", "get", ""},
            new String[]{"nodes/stats", "", "false", "Node", "get", ""},
            new String[]{"pods", "pod", "true", "Pod", "get list watch", "po"});
    private static final String[] ENDPOINT_SLICES = {"endpointslices", "endpointslice", "true", "EndpointSlice", "create delete get list update", ""};
    private static final List<Group> GROUPS = List.of(
            new Group("apiregistration.k8s.io", "v1", List.<String[]>of(new String[]{"apiservices", "apiservice", "false", "APIService", "get list", ""})),
            new Group("authentication.k8s.io", "v1", List.<String[]>of(new String[]{"tokenreviews", "tokenreview", "false", "TokenReview", "create", ""})),
            new Group("authorization.k8s.io", "v1", List.of(
                    new String[]{"selfsubjectaccessreviews", "selfsubjectaccessreview", "false", "SelfSubjectAccessReview", "create", ""},
                    new String[]{"subjectaccessreviews", "subjectaccessreview", "false", "SubjectAccessReview", "create", ""})),
            new Group(CertificateSigningRequests.GROUP, "v1", List.of(
                    new String[]{"certificatesigningrequests", "certificatesigningrequest", "false", "CertificateSigningRequest", "create delete get list", "csr"},
                    new String[]{"certificatesigningrequests/approval", "", "false", "CertificateSigningRequest", "get update", ""})),
            new Group(RegistrationObjects.COORDINATION, "v1", List.<String[]>of(new String[]{"leases", "lease", "true", "Lease", "create delete get list update", ""})),
            new Group(RegistrationObjects.DISCOVERY, "v1", List.<String[]>of(ENDPOINT_SLICES)),
            new Group(RegistrationObjects.DISCOVERY, "v1beta1", List.<String[]>of(ENDPOINT_SLICES)));

    private Discovery() {
    }

    static boolean isGroupVersion(String group, String version) {
        return GROUPS.stream().anyMatch(g -> g.name.equals(group) && g.version.equals(version));
    }

    private static List<Group> groups(Simulator sim) {
        List<Group> out = new ArrayList<>(GROUPS);
        if (!sim.registrationObjects().servesEndpointSliceV1()) {
            out.removeIf(g -> g.name.equals(RegistrationObjects.DISCOVERY) && g.version.equals("v1"));
        }
        if (sim.registration().registered()) {
            out.add(new Group(ApiServerHandler.METRICS_GROUP, "v1beta1", List.of()));
        }
        return out;
    }

    static void serve(HttpServerExchange ex, Simulator sim, String path) throws IOException {
        switch (path) {
            case "/healthz", "/livez", "/readyz" -> {
                ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                ex.getResponseSender().send("ok");
            }
            case "/version" -> Http.json(ex, 200, g -> {
                g.writeStartObject();
                g.writeStringField("major", "1");
                g.writeStringField("minor", "32");
                g.writeStringField("gitVersion", "v1.32.4-sim");
                g.writeStringField("gitCommit", "0000000000000000000000000000000000000000");
                g.writeStringField("gitTreeState", "clean");
                g.writeStringField("buildDate", "2026-11-25T00:00:00Z");
                g.writeStringField("goVersion", "go1.23.8");
                g.writeStringField("compiler", "gc");
                g.writeStringField("platform", "linux/amd64");
                g.writeEndObject();
            });
            case "/api" -> Http.json(ex, 200, g -> {
                g.writeStartObject();
                Render.typeMeta(g, "APIVersions", "v1");
                g.writeArrayFieldStart("versions");
                g.writeString("v1");
                g.writeEndArray();
                serverAddresses(g, ex);
                g.writeEndObject();
            });
            case "/api/v1" -> Http.json(ex, 200, g -> resourceList(g, "v1", CORE));
            case "/apis" -> Http.json(ex, 200, g -> {
                g.writeStartObject();
                Render.typeMeta(g, "APIGroupList", "v1");
                g.writeArrayFieldStart("groups");
                List<String> listed = new ArrayList<>();
                for (Group gr : groups(sim)) {
                    if (!listed.contains(gr.name)) {
                        listed.add(gr.name);
                        group(g, gr, groups(sim), false);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            });
            default -> {
                String[] seg = path.substring(1).split("/");
                List<Group> all = groups(sim);
                Group gr = all.stream().filter(x -> x.name.equals(seg[1]) && (seg.length == 2 || x.version.equals(seg[2])))
                        .findFirst().orElse(null);
                if (gr == null) {
                    Http.status(ex, 404, "NotFound", "the server could not find the requested resource");
                } else if (seg.length == 2) {
                    Http.json(ex, 200, g -> group(g, gr, all, true));
                } else {
                    Http.json(ex, 200, g -> resourceList(g, gr.name + "/" + gr.version, gr.resources));
                }
            }
        }
    }

    private static void serverAddresses(JsonGenerator g, HttpServerExchange ex) throws IOException {
        g.writeArrayFieldStart("serverAddressByClientCIDRs");
        g.writeStartObject();
        g.writeStringField("clientCIDR", "0.0.0.0/0");
        g.writeStringField("serverAddress", ex.getHostAndPort());
        g.writeEndObject();
        g.writeEndArray();
    }

    /** The group of {@code gr} with every version {@code all} lists for it, {@code gr}'s the preferred one. */
    private static void group(JsonGenerator g, Group gr, List<Group> all, boolean typeMeta) throws IOException {
        g.writeStartObject();
        if (typeMeta) {
            Render.typeMeta(g, "APIGroup", "v1");
        }
        g.writeStringField("name", gr.name);
        g.writeArrayFieldStart("versions");
        for (Group v : all) {
            if (v.name.equals(gr.name)) {
                g.writeStartObject();
                g.writeStringField("groupVersion", v.name + "/" + v.version);
                g.writeStringField("version", v.version);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeObjectFieldStart("preferredVersion");
        g.writeStringField("groupVersion", gr.name + "/" + gr.version);
        g.writeStringField("version", gr.version);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void resourceList(JsonGenerator g, String groupVersion, List<String[]> resources) throws IOException {
        g.writeStartObject();
        Render.typeMeta(g, "APIResourceList", "v1");
        g.writeStringField("groupVersion", groupVersion);
        g.writeArrayFieldStart("resources");
        for (String[] r : resources) {
            g.writeStartObject();
            g.writeStringField("name", r[0]);
            g.writeStringField("singularName", r[1]);
            g.writeBooleanField("namespaced", Boolean.parseBoolean(r[2]));
            g.writeStringField("kind", r[3]);
            g.writeArrayFieldStart("verbs");
            for (String v : r[4].split(" ")) {
                g.writeString(v);
            }
            g.writeEndArray();
            if (!r[5].isEmpty()) {
                g.writeArrayFieldStart("shortNames");
                g.writeString(r[5]);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
