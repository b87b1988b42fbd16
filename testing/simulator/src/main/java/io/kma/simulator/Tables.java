package io.kma.simulator;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.List;

/** meta.k8s.io/v1 Table responses, which kubectl get asks for; columns as kube-apiserver's printers. */
final class Tables {
    private Tables() {
    }

    private static void column(JsonGenerator g, String name, String type, String format, String description, int priority) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("type", type);
        g.writeStringField("format", format);
        g.writeStringField("description", description);
        g.writeNumberField("priority", priority);
        g.writeEndObject();
    }

    static void table(JsonGenerator g, String resource, List<?> items, long rv, String continueToken) throws IOException {
        g.writeStartObject();
        Render.typeMeta(g, "Table", "meta.k8s.io/v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("resourceVersion", Long.toString(rv));
        if (continueToken != null) {
            g.writeStringField("continue", continueToken);
        }
        g.writeEndObject();
        g.writeArrayFieldStart("columnDefinitions");
        if (resource.equals("nodes")) {
            column(g, "Name", "string", "name", "Name must be unique within a namespace.", 0);
            column(g, "Status", "string", "", "The status of the node", 0);
            column(g, "Roles", "string", "", "The roles of the node", 0);
            column(g, "Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0);
            column(g, "Version", "string", "", "Kubelet Version reported by the node.", 0);
            column(g, "Internal-IP", "string", "", "List of addresses reachable to the node.", 1);
            column(g, "External-IP", "string", "", "List of addresses reachable to the node.", 1);
        } else {
            column(g, "Name", "string", "name", "Name must be unique within a namespace.", 0);
            column(g, "Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0);
            column(g, "Status", "string", "", "The aggregate status of the containers in this pod.", 0);
            column(g, "Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0);
            column(g, "Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0);
            column(g, "IP", "string", "", "IP address allocated to the pod.", 1);
            column(g, "Node", "string", "", "Name of the node where the pod is scheduled.", 1);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        for (Object o : items) {
            g.writeStartObject();
            g.writeArrayFieldStart("cells");
            if (o instanceof SimNode n) {
                g.writeString(n.name);
                g.writeString("Ready");
                g.writeString(n.index == 0 ? "control-plane" : "<none>");
                g.writeString(Render.age(n.creationEpochSecond));
                g.writeString(Render.KUBELET_VERSION);
                g.writeString(n.address);
                g.writeString("192.0.2." + (n.index % 254 + 1));
            } else {
                SimPod p = (SimPod) o;
                g.writeString(p.name);
                g.writeString(Render.readyContainers(p) + "/" + p.containers.length);
                g.writeString(p.phase);
                g.writeNumber(Render.restarts(p));
                g.writeString(Render.age(p.creationEpochSecond));
                g.writeString(Render.podIp(p));
                g.writeString(p.nodeName());
            }
            g.writeEndArray();
            g.writeFieldName("object");
            ApiServerHandler.writeObject(g, o, true, true);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
