package io.kma.simulator;

/**
 * Accept-header negotiation the way kube-apiserver does it for the forms the simulator serves:
 * plain JSON, metadata-only (PartialObjectMetadata[List]) and Table. Protobuf is not offered, so
 * a client that accepts only protobuf gets 406.
 */
enum Media {
    JSON("application/json"),
    METADATA_LIST("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"),
    METADATA("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"),
    TABLE("application/json;as=Table;g=meta.k8s.io;v=v1"),
    UNACCEPTABLE(null);

    final String contentType;

    Media(String contentType) {
        this.contentType = contentType;
    }

    boolean metadataOnly() {
        return this == METADATA || this == METADATA_LIST;
    }

    static Media negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.trim().split(";");
            String type = parts[0].trim().toLowerCase();
            String as = null;
            String g = null;
            String v = null;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    switch (kv[0].trim()) {
                        case "as" -> as = kv[1].trim();
                        case "g" -> g = kv[1].trim();
                        case "v" -> v = kv[1].trim();
                        default -> { }
                    }
                }
            }
            if (!(type.equals("application/json") || type.equals("*/*") || type.equals("application/*"))) {
                continue;
            }
            if (as == null) {
                return JSON;
            }
            if ("meta.k8s.io".equals(g) && ("v1".equals(v) || "v1beta1".equals(v))) {
                switch (as) {
                    case "PartialObjectMetadataList" -> {
                        return METADATA_LIST;
                    }
                    case "PartialObjectMetadata" -> {
                        return METADATA;
                    }
                    case "Table" -> {
                        return TABLE;
                    }
                    default -> { }
                }
            }
        }
        return UNACCEPTABLE;
    }
}
