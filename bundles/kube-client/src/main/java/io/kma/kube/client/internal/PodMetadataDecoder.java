package io.kma.kube.client.internal;

import com.fasterxml.jackson.databind.JsonNode;

import io.kma.api.cluster.PodInfo;

/** PartialObjectMetadata of a pod → {@link PodInfo}, with namespaces and labels interned. */
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
                Json.instant(meta, "creationTimestamp"));
    }
}
