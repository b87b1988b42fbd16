package io.kma.kube.client.internal;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.cluster.PodInfo;

/** A pod → {@link PodInfo}: its metadata and {@code spec.nodeName}, with namespaces, labels and node names interned. */
final class PodMetadataDecoder implements Informer.Decoder<PodInfo> {

    private final Interner interner;

    PodMetadataDecoder(Interner interner) {
        this.interner = interner;
    }

    @Override
    public PodInfo decode(JsonNode object) {
        JsonNode meta = object.path("metadata");
        String namespace = Json.text(meta, "namespace");
        String name = Json.text(meta, "name");
        if (namespace == null || name == null || name.isEmpty()) {
            return null;
        }
        return new PodInfo(interner.intern(namespace), name, Json.stringMap(meta.get("labels"), interner),
                Json.instant(meta, "creationTimestamp"), nodeName(object));
    }

    private String nodeName(JsonNode pod) {
        String node = Json.text(pod.path("spec"), "nodeName");
        return node == null || node.isEmpty() ? null : interner.intern(node);
    }
}
