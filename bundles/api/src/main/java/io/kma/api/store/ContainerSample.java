package io.kma.api.store;

/**
 * A container's sample from one scrape.
 */
public record ContainerSample(String namespace, String pod, String container, MetricPoint point) {
}
