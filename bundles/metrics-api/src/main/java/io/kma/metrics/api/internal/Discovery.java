package io.kma.metrics.api.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The legacy discovery documents of the metrics.k8s.io group, with the generic apiserver's field order.
 */
final class Discovery {

    private Discovery() {
    }

    /**
     * {@code /apis}: APIGroupList. As the generic apiserver, the group carries
     * serverAddressByClientCIDRs with the address the client reached.
     */
    static void writeGroupList(JsonGenerator g, String serverAddress) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "APIGroupList");
        g.writeStringField("apiVersion", "v1");
        g.writeArrayFieldStart("groups");
        g.writeStartObject();
        groupBody(g);
        g.writeArrayFieldStart("serverAddressByClientCIDRs");
        g.writeStartObject();
        g.writeStringField("clientCIDR", "0.0.0.0/0");
        g.writeStringField("serverAddress", serverAddress);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    /** {@code /apis/metrics.k8s.io}: APIGroup. */
    static void writeGroup(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "APIGroup");
        g.writeStringField("apiVersion", "v1");
        groupBody(g);
        g.writeEndObject();
    }

    /** {@code /apis/metrics.k8s.io/v1beta1}: APIResourceList (also the aggregator's availability check). */
    static void writeResourceList(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", "APIResourceList");
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("groupVersion", MetricsWriter.GROUP_VERSION);
        g.writeArrayFieldStart("resources");
        resource(g, "nodes", false, "NodeMetrics");
        resource(g, "pods", true, "PodMetrics");
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void groupBody(JsonGenerator g) throws IOException {
        g.writeStringField("name", MetricsWriter.GROUP);
        g.writeArrayFieldStart("versions");
        version(g);
        g.writeEndArray();
        g.writeFieldName("preferredVersion");
        version(g);
    }

    private static void version(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("groupVersion", MetricsWriter.GROUP_VERSION);
        g.writeStringField("version", "v1beta1");
        g.writeEndObject();
    }

    private static void resource(JsonGenerator g, String name, boolean namespaced, String kind) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("singularName", "");
        g.writeBooleanField("namespaced", namespaced);
        g.writeStringField("kind", kind);
        g.writeArrayFieldStart("verbs");
        g.writeString("get");
        g.writeString("list");
        g.writeEndArray();
        g.writeEndObject();
    }
}
