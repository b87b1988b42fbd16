package io.kma.http.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validated listener settings.
 *
 * @param bindAddress       IP literal to listen on
 * @param port              TCP port, 0 for any free port (tests)
 * @param tlsCertFile       serving chain file, or null for the self-signed pair
 * @param tlsPrivateKeyFile its key, null exactly when tlsCertFile is null
 * @param certDir           directory of the self-signed pair
 * @param tls13Only         true for VersionTLS13
 * @param limits            what one client, or all together, may hold of the server
 */
record ServerSettings(String bindAddress, int port, Path tlsCertFile, Path tlsPrivateKeyFile, Path certDir,
        boolean tls13Only, Limits limits) {

    /**
     * Bounds on what callers can hold: the listener is on the host network and reachable by anyone on it.
     *
     * @param maxConnections          open connections in all (accepted ones beyond are closed at once)
     * @param maxConnectionsPerClient open connections from one client IP address
     * @param maxRequestsInflight     requests being served at once, health endpoints excepted (then 429)
     * @param requestTimeout          longest time a request may take before it is answered 504
     * @param headerTimeout           longest time from a connection's first byte (TLS handshake included)
     *                                to the end of a request's headers, and longest idle time between requests
     */
    record Limits(int maxConnections, int maxConnectionsPerClient, int maxRequestsInflight, Duration requestTimeout,
            Duration headerTimeout) {

        static final Limits DEFAULTS = new Limits(2000, 200, 400, Duration.ofSeconds(60), Duration.ofSeconds(32));

        Limits {
            positive("maxConnections", maxConnections);
            positive("maxConnectionsPerClient", maxConnectionsPerClient);
            positive("maxRequestsInflight", maxRequestsInflight);
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout " + requestTimeout + " must be positive");
            }
        }

        private static void positive(String key, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(key + " " + value + " must be a positive number");
            }
        }
    }

    ServerSettings(String bindAddress, int port, Path tlsCertFile, Path tlsPrivateKeyFile, Path certDir, boolean tls13Only) {
        this(bindAddress, port, tlsCertFile, tlsPrivateKeyFile, certDir, tls13Only, Limits.DEFAULTS);
    }

    ServerSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(certDir, "certDir");
        Objects.requireNonNull(limits, "limits");
        if ((tlsCertFile == null) != (tlsPrivateKeyFile == null)) {
            throw new IllegalArgumentException(tlsCertFile == null
                    ? "tlsPrivateKeyFile is set but tlsCertFile is not: give both, or neither for a self-signed certificate"
                    : "tlsCertFile is set but tlsPrivateKeyFile is not: give both, or neither for a self-signed certificate");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("securePort " + port + " is not a TCP port");
        }
    }

    /**
     * From configuration; the message of the exception names the property and what is wrong.
     */
    static ServerSettings from(HttpServerConfig config) {
        String bind = config.bindAddress() == null || config.bindAddress().isBlank() ? "0.0.0.0" : config.bindAddress().trim();
        if (!isIpLiteral(bind)) {
            throw new IllegalArgumentException("bindAddress \"" + bind + "\" is not an IP address");
        }
        boolean tls13 = switch (config.tlsMinVersion() == null ? "" : config.tlsMinVersion().trim()) {
            case "", "VersionTLS12" -> false;
            case "VersionTLS13" -> true;
            default -> throw new IllegalArgumentException("tlsMinVersion \"" + config.tlsMinVersion()
                    + "\" is not supported: use VersionTLS12 or VersionTLS13 (TLS 1.0 and 1.1 are never served)");
        };
        return new ServerSettings(bind, config.securePort(), path(config.tlsCertFile()), path(config.tlsPrivateKeyFile()),
                Path.of(config.certDir() == null || config.certDir().isBlank()
                        ? "/var/lib/kube-metrics-appliance/certs" : config.certDir()),
                tls13, new Limits(config.maxConnections(), config.maxConnectionsPerClient(), config.maxRequestsInflight(),
                        Duration.ofMillis(config.requestTimeoutMillis()), Limits.DEFAULTS.headerTimeout()));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    /** Whether a literal IPv4 or IPv6 address, checked without any name lookup. */
    static boolean isIpLiteral(String s) {
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return false;
        }
        try {
            InetAddress.getByName(s); // a literal is parsed, never resolved
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean unspecifiedBind() {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") || bindAddress.equals("0:0:0:0:0:0:0:0");
    }

    /** IP SANs of the self-signed certificate: 127.0.0.1, and the bind address when specific (as upstream). */
    List<String> selfSignedIps() {
        List<String> ips = new ArrayList<>(List.of("127.0.0.1"));
        if (!unspecifiedBind() && !ips.contains(bindAddress)) {
            ips.add(bindAddress);
        }
        return ips;
    }

    /** Same socket and protocol settings: a change of anything else needs no new listener. */
    boolean sameListener(ServerSettings other) {
        return bindAddress.equals(other.bindAddress) && port == other.port && tls13Only == other.tls13Only
                && limits.equals(other.limits);
    }

    boolean sameCertificate(ServerSettings other) {
        return Objects.equals(tlsCertFile, other.tlsCertFile) && Objects.equals(tlsPrivateKeyFile, other.tlsPrivateKeyFile)
                && certDir.equals(other.certDir) && selfSignedIps().equals(other.selfSignedIps());
    }

    String authority() {
        return bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]:" + port : bindAddress + ":" + port;
    }
}
