package io.kma.api.cluster;

import java.time.Instant;
import java.util.Map;

/**
 * Metadata of a Running pod, as the metadata-only watch delivers it.
 *
 * @param namespace         namespace
 * @param name              pod name
 * @param labels            pod labels (never null)
 * @param creationTimestamp {@code metadata.creationTimestamp}, may be null
 */
public record PodInfo(String namespace, String name, Map<String, String> labels, Instant creationTimestamp) {
}
