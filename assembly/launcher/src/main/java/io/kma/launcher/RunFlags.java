package io.kma.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code run}: {@code --config FILE} and upstream metrics-server's flags, each of which overrides one
 * config.yaml key, so that an existing metrics-server command line carries over. Parsed like upstream (pflag):
 * {@code --flag=value} and {@code --flag value}; booleans as {@code --flag} or {@code --flag=true|false} (a boolean
 * never takes the next argument); lists comma-separated, a repeated list flag appends; {@code -l} as
 * {@code -l S}, {@code -l=S} or {@code -lS}. The values are validated by the config bundle, which receives them as the
 * framework property {@value #PROPERTY} (JSON: flag, config.yaml key, value) and applies them on top of the file at
 * every read.
 */
final class RunFlags {

    static final String PROPERTY = "kma.config.overrides";

    enum Kind { STRING, BOOLEAN, LIST }

    /** An upstream flag and the config.yaml key it overrides. */
    record Flag(String name, String key, Kind kind, String placeholder) {
    }

    /** One override: {@code value} is a String, or a List of String for list flags. */
    record Override(String flag, String key, Object value) {
    }

    /** {@code config} is "" when --config was not given. */
    record Parsed(String config, List<Override> overrides) {

        boolean configExplicit() {
            return !config.isEmpty();
        }

        /** The configuration file in effect: {@code --config} made absolute, or the default. */
        Path configFile() {
            return config.isEmpty() ? LaunchOptions.DEFAULT_CONFIG : Path.of(config).toAbsolutePath();
        }

        /** The framework properties that carry the overrides to the config bundle (none without flags). */
        Map<String, String> frameworkProperties() {
            return overrides.isEmpty() ? Map.of() : Map.of(PROPERTY, json(overrides));
        }
    }

    static final Map<String, Flag> FLAGS = flags(
            new Flag("--kubeconfig", "kubeconfig", Kind.STRING, "FILE"),
            new Flag("--metric-resolution", "metricResolution", Kind.STRING, "DURATION"),
            new Flag("--node-selector", "nodeSelector", Kind.STRING, "SELECTOR"),
            new Flag("--kubelet-preferred-address-types", "kubelet.preferredAddressTypes", Kind.LIST, ""),
            new Flag("--kubelet-insecure-tls", "kubelet.insecureSkipTLSVerify", Kind.BOOLEAN, ""),
            new Flag("--kubelet-port", "kubelet.port", Kind.STRING, "PORT"),
            new Flag("--kubelet-use-node-status-port", "kubelet.useNodeStatusPort", Kind.BOOLEAN, ""),
            new Flag("--kubelet-certificate-authority", "kubelet.certificateAuthority", Kind.STRING, "FILE"),
            new Flag("--kubelet-client-certificate", "kubelet.clientCertificate", Kind.STRING, "FILE"),
            new Flag("--kubelet-client-key", "kubelet.clientKey", Kind.STRING, "FILE"),
            new Flag("--kubelet-request-timeout", "kubelet.requestTimeout", Kind.STRING, "DURATION"),
            new Flag("--secure-port", "server.securePort", Kind.STRING, "PORT"),
            new Flag("--bind-address", "server.bindAddress", Kind.STRING, "IP"),
            new Flag("--tls-cert-file", "server.tlsCertFile", Kind.STRING, "FILE"),
            new Flag("--tls-private-key-file", "server.tlsPrivateKeyFile", Kind.STRING, "FILE"),
            new Flag("--cert-dir", "server.certDir", Kind.STRING, "DIR"),
            new Flag("--tls-min-version", "server.tlsMinVersion", Kind.STRING, "VersionTLS12|VersionTLS13"),
            new Flag("--max-requests-inflight", "server.maxRequestsInflight", Kind.STRING, "N"),
            new Flag("--request-timeout", "server.requestTimeout", Kind.STRING, "DURATION"),
            new Flag("--shutdown-delay-duration", "server.shutdownDelay", Kind.STRING, "DURATION"),
            new Flag("--advertise-address", "registration.advertiseAddress", Kind.STRING, "IP"),
            new Flag("--requestheader-client-ca-file", "authentication.requestheaderClientCAFile", Kind.STRING, "FILE"),
            new Flag("--requestheader-allowed-names", "authentication.requestheaderAllowedNames", Kind.LIST, ""),
            new Flag("--requestheader-username-headers", "authentication.requestheaderUsernameHeaders", Kind.LIST, ""),
            new Flag("--requestheader-group-headers", "authentication.requestheaderGroupHeaders", Kind.LIST, ""),
            new Flag("--requestheader-extra-headers-prefix", "authentication.requestheaderExtraHeadersPrefix", Kind.LIST, ""),
            new Flag("--authentication-token-webhook-cache-ttl", "authentication.tokenCacheTTL", Kind.STRING, "DURATION"),
            new Flag("--authorization-always-allow-paths", "authorization.alwaysAllowPaths", Kind.LIST, ""),
            new Flag("--authorization-webhook-cache-authorized-ttl", "authorization.cacheAuthorizedTTL", Kind.STRING, "DURATION"),
            new Flag("--authorization-webhook-cache-unauthorized-ttl", "authorization.cacheUnauthorizedTTL", Kind.STRING, "DURATION"));

    /**
     * Upstream's separate kubeconfigs for TokenReview and SubjectAccessReview: accepted when they name the same file
     * as {@code --kubeconfig} (the usual out-of-cluster setup), since the appliance uses one kubeconfig for all.
     */
    static final List<String> SAME_KUBECONFIG_FLAGS = List.of("--authentication-kubeconfig", "--authorization-kubeconfig");

    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    private RunFlags() {
    }

    static Parsed parse(List<String> args) throws Options.UsageException {
        String config = "";
        Map<String, Override> overrides = new LinkedHashMap<>();
        Map<String, String> sameKubeconfig = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name;
            String value = null;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                name = eq > 0 ? arg.substring(0, eq) : arg;
                value = eq > 0 ? arg.substring(eq + 1) : null;
            } else if (arg.startsWith("-l")) {
                name = "--node-selector";
                value = arg.length() == 2 ? null : arg.substring(arg.charAt(2) == '=' ? 3 : 2);
            } else {
                throw new Options.UsageException("unknown argument " + arg);
            }
            if (name.equals("--config")) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new Options.UsageException("--config needs a value");
                    }
                    value = args.get(++i);
                }
                if (value.isEmpty()) {
                    throw new Options.UsageException("--config needs a value");
                }
                config = value;
                continue;
            }
            if (SAME_KUBECONFIG_FLAGS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new Options.UsageException("flag needs an argument: " + name);
                    }
                    value = args.get(++i);
                }
                sameKubeconfig.put(name, value);
                continue;
            }
            Flag flag = FLAGS.get(name);
            if (flag == null) {
                throw new Options.UsageException("unknown argument " + arg);
            }
            if (flag.kind() == Kind.BOOLEAN) {
                value = value == null ? "true" : bool(flag, value);
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new Options.UsageException("flag needs an argument: " + name);
                }
                value = args.get(++i);
            }
            if (flag.kind() == Kind.LIST) {
                List<String> items = new ArrayList<>();
                Override earlier = overrides.get(flag.key());
                if (earlier != null) {
                    @SuppressWarnings("unchecked")
                    List<String> before = (List<String>) earlier.value();
                    items.addAll(before);
                }
                if (!value.isEmpty()) {
                    items.addAll(List.of(value.split(",", -1)));
                }
                overrides.put(flag.key(), new Override(name, flag.key(), List.copyOf(items)));
            } else {
                overrides.remove(flag.key());
                overrides.put(flag.key(), new Override(name, flag.key(), value));
            }
        }
        for (Map.Entry<String, String> e : sameKubeconfig.entrySet()) {
            Override kubeconfig = overrides.get("kubeconfig");
            if (kubeconfig == null || !kubeconfig.value().equals(e.getValue())) {
                throw new Options.UsageException(e.getKey() + " " + e.getValue() + ": kube-metrics-appliance uses one "
                        + "kubeconfig for the node/pod watch, TokenReview and SubjectAccessReview; give the same file as "
                        + "--kubeconfig" + (kubeconfig == null ? "" : " (" + kubeconfig.value() + ")") + ", or leave it out");
            }
        }
        // A client certificate on the command line means x509 towards the kubelets, whatever kubelet.auth says.
        if (overrides.containsKey("kubelet.clientCertificate") && overrides.containsKey("kubelet.clientKey")) {
            overrides.put("kubelet.auth", new Override("--kubelet-client-certificate", "kubelet.auth", "x509"));
        }
        return new Parsed(config, List.copyOf(overrides.values()));
    }

    private static String bool(Flag flag, String value) throws Options.UsageException {
        if (TRUE.contains(value)) {
            return "true";
        }
        if (FALSE.contains(value)) {
            return "false";
        }
        throw new Options.UsageException("invalid argument \"" + value + "\" for \"" + flag.name()
                + "\" flag: must be true or false (write --flag=false; a boolean flag does not take the next argument)");
    }

    /** The usage lines of the flags: flag, then the config.yaml key it overrides. */
    static String usage() {
        StringBuilder b = new StringBuilder();
        String same = "  " + String.join(", ", SAME_KUBECONFIG_FLAGS) + " FILE";
        for (Flag f : FLAGS.values()) {
            String arg = switch (f.kind()) {
                case BOOLEAN -> "[=true|false]";
                case LIST -> " A,B,...";
                default -> " " + f.placeholder();
            };
            String left = "  " + (f.name().equals("--node-selector") ? "-l, " : "") + f.name() + arg;
            if (left.length() > 45) {
                b.append(left).append(System.lineSeparator()).append(String.format("%-47s%s%n", "", f.key()));
            } else {
                b.append(String.format("%-47s%s%n", left, f.key()));
            }
        }
        b.append(same).append(System.lineSeparator()).append(String.format("%-47s%s%n", "", "accepted when equal to --kubeconfig"));
        return b.toString();
    }

    static String json(List<Override> overrides) {
        StringBuilder b = new StringBuilder("[");
        for (Override o : overrides) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append("{\"flag\":").append(quote(o.flag())).append(",\"key\":").append(quote(o.key())).append(",\"value\":");
            if (o.value() instanceof List<?> list) {
                b.append('[');
                for (int i = 0; i < list.size(); i++) {
                    b.append(i > 0 ? "," : "").append(quote((String) list.get(i)));
                }
                b.append(']');
            } else {
                b.append(quote((String) o.value()));
            }
            b.append('}');
        }
        return b.append(']').toString();
    }

    /** A JSON string, which SnakeYAML reads as a double-quoted YAML scalar (only \\, \" and \\uXXXX escapes). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0xfeff) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static Map<String, Flag> flags(Flag... flags) {
        Map<String, Flag> map = new LinkedHashMap<>();
        for (Flag f : flags) {
            map.put(f.name(), f);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
