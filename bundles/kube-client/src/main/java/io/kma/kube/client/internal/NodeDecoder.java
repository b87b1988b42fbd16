package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;

/**
 * Node object → {@link NodeInfo}, through a tree: a node is read whole (addresses, conditions, labels and
 * annotations), and there are thousands of nodes, not hundreds of thousands.
 */
final class NodeDecoder implements Informer.Decoder<NodeInfo> {

    @Override
    public NodeInfo decode(JsonParser parser, ObjectMapper mapper, Consumer<String> resourceVersion)
            throws IOException {
        JsonNode node = mapper.readTree(parser);
        if (resourceVersion != null) {
            resourceVersion.accept(Json.text(node.path("metadata"), "resourceVersion"));
        }
        return decode(node);
    }

    NodeInfo decode(JsonNode node) {
        JsonNode meta = node.path("metadata");
        String name = Json.text(meta, "name");
        if (name == null || name.isEmpty()) {
            return null;
        }
        JsonNode status = node.path("status");
        List<NodeAddress> addresses = new ArrayList<>();
        for (JsonNode a : status.path("addresses")) {
            String type = Json.text(a, "type");
            String address = Json.text(a, "address");
            if (type != null && address != null) {
                addresses.add(new NodeAddress(type, address));
            }
        }
        int port = status.path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        boolean ready = false;
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(Json.text(c, "type"))) {
                ready = "True".equals(Json.text(c, "status"));
            }
        }
        return new NodeInfo(name, Json.stringMap(meta.get("labels")), Json.stringMap(meta.get("annotations")),
                List.copyOf(addresses), port, ready, Json.instant(meta, "creationTimestamp"));
    }
}
