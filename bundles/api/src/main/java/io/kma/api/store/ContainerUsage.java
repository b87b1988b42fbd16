package io.kma.api.store;

/**
 * One container's usage within a {@link PodUsage}.
 */
public record ContainerUsage(String name, Usage usage) {
}
