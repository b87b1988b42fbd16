package io.kma.kube.client.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * What {@code kube-metrics-appliance identity} was asked to do; the launcher passes the command line as framework
 * properties {@code kma.identity.*} (a command service takes no arguments).
 *
 * @param submitKubeconfig   the credential that creates (and with {@code approve} approves) the request, e.g.
 *                           kubeadm's {@code /etc/kubernetes/admin.conf}; only read, never copied
 * @param dir                where the key, certificate and kubeconfig are written (a root-owned directory)
 * @param owner              the service user that gets the key; null: leave the owner as is
 * @param approve            approve the request with {@code submitKubeconfig} instead of waiting for an operator
 * @param renew              do nothing unless the current certificate is missing or in the last third of its life
 * @param approvalWait       how long to wait for the certificate
 * @param expiration         the lifetime asked for ({@code spec.expirationSeconds}); the signer may shorten it
 */
record IdentityOptions(Path submitKubeconfig, Path dir, String owner, boolean approve, boolean renew, Duration approvalWait,
        Duration expiration) {

    static final String PREFIX = "kma.identity.";
    static final Path DEFAULT_SUBMIT = Path.of("/etc/kubernetes/admin.conf");
    static final Path DEFAULT_DIR = Path.of("/etc/kube-metrics-appliance/identity");
    static final String DEFAULT_OWNER = "kube-metrics-appliance";

    /** Reads {@code kma.identity.<name>} through {@code property} (a bundle context's getProperty). */
    static IdentityOptions from(UnaryOperator<String> property) {
        return new IdentityOptions(
                Path.of(value(property, "kubeconfig", DEFAULT_SUBMIT.toString())),
                Path.of(value(property, "dir", DEFAULT_DIR.toString())),
                emptyToNull(value(property, "owner", DEFAULT_OWNER)),
                Boolean.parseBoolean(value(property, "approve", "false")),
                Boolean.parseBoolean(value(property, "renew", "false")),
                Duration.ofSeconds(Long.parseLong(value(property, "wait-seconds", "900"))),
                Duration.ofSeconds(Long.parseLong(value(property, "expiration-seconds", Long.toString(365L * 24 * 3600)))));
    }

    private static String value(UnaryOperator<String> property, String name, String fallback) {
        String v = property.apply(PREFIX + name);
        return v == null ? fallback : v;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() || s.equals("-") ? null : s;
    }
}
