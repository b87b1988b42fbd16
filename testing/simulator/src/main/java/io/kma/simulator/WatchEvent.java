package io.kma.simulator;

/**
 * A change in the cluster: {@code object} is the new version (the last version for DELETED),
 * {@code previous} the one before (null for ADDED), so a selector watch can turn a change that
 * leaves the selector into DELETED, as kube-apiserver's watch cache does.
 */
public record WatchEvent(String type, String resource, long resourceVersion, Object object, Object previous) {
}
