package io.kma.api.cluster;

import java.time.Instant;
import java.util.Map;

/**
 * Metadata of a Running pod and the node it runs on.
 *
 * @param namespace         namespace
 * @param name              pod name
 * @param labels            pod labels (never null)
 * @param creationTimestamp {@code metadata.creationTimestamp}, may be null
 * @param nodeName          {@code spec.nodeName}, the node the pod runs on; null when not known
 */
public record PodInfo(String namespace, String name, Map<String, String> labels, Instant creationTimestamp,
        String nodeName) {

    /** A pod whose node is not known. */
    public PodInfo(String namespace, String name, Map<String, String> labels, Instant creationTimestamp) {
        this(namespace, name, labels, creationTimestamp, null);
    }
}
