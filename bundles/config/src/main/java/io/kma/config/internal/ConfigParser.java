package io.kma.config.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads config.yaml through SnakeYAML's composer (the node tree keeps line marks) so that every error
 * names the file, the line and the key path; checks every key against {@link ConfigSchema}.
 */
final class ConfigParser {

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,10}");

    private final String fileName;
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Object> values = ConfigSchema.defaults();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    /** config.yaml key -> the command-line flag that set it. */
    private final Map<String, String> flags = new LinkedHashMap<>();
    /** While an override is converted: its flag, which then names the value in errors instead of file:line: key. */
    private String currentFlag;

    private ConfigParser(String fileName) {
        this.fileName = fileName;
    }

    /**
     * @param fileName how the file is named in error lines
     * @param text the file's content; empty or comment-only means all defaults
     */
    static Settings parse(String fileName, String text) throws InvalidConfigException {
        return parse(fileName, text, List.of());
    }

    /**
     * @param overrides command-line flags applied on top of the file (flags win), validated like the file's
     *     values; the cross-key checks see the merged values
     */
    static Settings parse(String fileName, String text, List<Overrides.Override> overrides) throws InvalidConfigException {
        ConfigParser parser = new ConfigParser(fileName);
        parser.readFile(text);
        if (parser.errors.isEmpty()) {
            parser.applyOverrides(overrides);
        }
        if (parser.errors.isEmpty()) {
            parser.crossChecks();
        }
        if (!parser.errors.isEmpty()) {
            throw new InvalidConfigException(parser.errors);
        }
        return new Settings(parser.values);
    }

    private void readFile(String text) {
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            errors.add(location(line) + "YAML syntax error: " + oneLine(problem));
            return;
        } catch (YAMLException e) {
            errors.add(fileName + ": YAML error: " + oneLine(e.getMessage()));
            return;
        }
        if (root == null || isNull(root)) {
            return;
        }
        if (!(root instanceof MappingNode mapping)) {
            errors.add(location(line(root)) + "the file must be a mapping of keys (see the documented config.yaml)");
            return;
        }
        readMapping(mapping, "");
    }

    private void applyOverrides(List<Overrides.Override> overrides) {
        for (Overrides.Override o : overrides) {
            Key key = ConfigSchema.KEYS.get(o.key());
            currentFlag = o.flag();
            try {
                Object value = isNull(o.value()) ? null : convert(key, o.value());
                if (value != null) {
                    values.put(key.path(), value);
                    flags.put(key.path(), o.flag());
                } else if (isNull(o.value())) {
                    errors.add(o.flag() + ": needs a value");
                }
            } finally {
                currentFlag = null;
            }
        }
    }

    /** Names a value in an error: {@code file:line: key: }, or {@code --flag: } for a command-line override. */
    private String where(Key key, Node node) {
        return currentFlag != null ? currentFlag + ": " : location(line(node)) + key.path() + ": ";
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1 << 20);
        return options;
    }

    private void readMapping(MappingNode mapping, String prefix) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int line = line(keyNode);
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                errors.add(location(line) + (prefix.isEmpty() ? "" : prefix + ": ") + "keys must be plain names");
                continue;
            }
            String name = scalarKey.getValue();
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (!seen.add(name)) {
                errors.add(location(line) + path + ": duplicate key");
                continue;
            }
            Node valueNode = tuple.getValueNode();
            if (prefix.isEmpty() && ConfigSchema.SECTIONS.contains(name)) {
                if (valueNode instanceof MappingNode section) {
                    readMapping(section, name);
                } else if (!isNull(valueNode)) {
                    errors.add(location(line) + path + ": must be a mapping of keys, not " + describe(valueNode));
                }
                continue;
            }
            Key key = ConfigSchema.KEYS.get(path);
            if (key == null) {
                errors.add(location(line) + path + ": unknown key" + suggestion(prefix, name));
                continue;
            }
            lines.put(path, line(valueNode) > 0 ? line(valueNode) : line);
            if (isNull(valueNode)) {
                continue;
            }
            Object value = convert(key, valueNode);
            if (value != null) {
                values.put(path, value);
            }
        }
    }

    private Object convert(Key key, Node node) {
        String at = where(key, node);
        switch (key.type()) {
            case STRING_LIST:
                return convertList(key, node, at);
            case STRING_MAP:
                return convertMap(key, node, at);
            default:
                break;
        }
        if (!(node instanceof ScalarNode scalar)) {
            errors.add(at + "must be " + article(key.type()) + ", not " + describe(node));
            return null;
        }
        String text = scalar.getValue();
        String quoted = "\"" + text + "\"";
        switch (key.type()) {
            case STRING:
                return text;
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(text.toLowerCase(Locale.ROOT));
                }
                errors.add(at + quoted + " is not a boolean (true or false)");
                return null;
            case PORT: {
                Integer port = integer(text);
                if (port == null || port < 1 || port > 65535) {
                    errors.add(at + quoted + " is not a port (1-65535)");
                    return null;
                }
                return port;
            }
            case POSITIVE_INT: {
                Integer n = integer(text);
                if (n == null || n < 1) {
                    errors.add(at + quoted + " is not a positive whole number");
                    return null;
                }
                return n;
            }
            case DURATION: {
                OptionalLong parsed = GoDuration.parseMillis(text);
                if (parsed.isEmpty()) {
                    errors.add(at + quoted + " is not a duration (examples: 10s, 1m30s)");
                    return null;
                }
                long millis = parsed.getAsLong();
                if (millis < 0) {
                    errors.add(at + quoted + " must not be negative");
                    return null;
                }
                return millis;
            }
            case SIZE: {
                long bytes = ByteSize.parse(text);
                if (bytes <= 0) {
                    errors.add(at + quoted + " is not a size (examples: 16Mi, 512Ki, 1Gi)");
                    return null;
                }
                return bytes;
            }
            case ENUM:
                if (key.choices().contains(text)) {
                    return text;
                }
                errors.add(at + quoted + " is not one of " + String.join(", ", key.choices()) + enumHint(key, text));
                return null;
            case IP_ADDRESS:
                if (IPV4.matcher(text).matches() || IPV6.matcher(text).matches()) {
                    return text;
                }
                errors.add(at + quoted + " is not an IP address (examples: 0.0.0.0, 192.0.2.10, ::)");
                return null;
            default:
                throw new IllegalStateException("unhandled key type " + key.type());
        }
    }

    private Object convertList(Key key, Node node, String at) {
        if (!(node instanceof SequenceNode sequence)) {
            errors.add(at + "must be a list (example: [a, b]), not " + describe(node));
            return null;
        }
        List<String> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String itemAt = where(key, item);
            if (!(item instanceof ScalarNode scalar) || isNull(item) || scalar.getValue().isBlank()) {
                errors.add(itemAt + "list items must be non-empty strings, not " + describe(item));
                return null;
            }
            String text = scalar.getValue();
            if (key.path().equals("kubelet.preferredAddressTypes") && !ConfigSchema.ADDRESS_TYPES.contains(text)) {
                errors.add(itemAt + "\"" + text + "\" is not an address type (one of "
                        + String.join(", ", ConfigSchema.ADDRESS_TYPES) + ")");
                return null;
            }
            if (key.path().equals("authorization.alwaysAllowPaths") && !text.startsWith("/")) {
                errors.add(itemAt + "\"" + text + "\" is not a path (it must start with /)");
                return null;
            }
            items.add(text);
        }
        if (items.isEmpty() && key.path().equals("kubelet.preferredAddressTypes")) {
            errors.add(at + "must name at least one address type");
            return null;
        }
        return List.copyOf(items);
    }

    private Object convertMap(Key key, Node node, String at) {
        if (!(node instanceof MappingNode mapping)) {
            errors.add(at + "must be a mapping of node name to address (example: {node-1: 192.0.2.21}), not " + describe(node));
            return null;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String entryAt = where(key, tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode name) || name.getValue().isBlank()
                    || !(tuple.getValueNode() instanceof ScalarNode address) || isNull(address)
                    || address.getValue().isBlank()) {
                errors.add(entryAt + "entries must be node-name: address");
                return null;
            }
            if (entries.put(name.getValue(), address.getValue()) != null) {
                errors.add(entryAt + "duplicate node " + name.getValue());
                return null;
            }
        }
        return java.util.Collections.unmodifiableMap(entries);
    }

    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** registration.*: the address must be usable in Endpoints, the names Kubernetes names, renewal inside the lease. */
    private void registrationChecks() {
        String address = (String) values.get("registration.advertiseAddress");
        if (!address.isEmpty()) {
            if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
                errors.add(at("registration.advertiseAddress") + "\"" + address + "\" is not an IP address (example: 192.0.2.10)");
            } else if (!Boolean.TRUE.equals(values.get("registration.allowLoopback")) && refusedInEndpoints(address) != null) {
                errors.add(at("registration.advertiseAddress") + address + " is " + refusedInEndpoints(address)
                        + ", which kube-apiserver refuses in Endpoints; give this host's address that kube-apiserver reaches");
            }
        }
        String service = (String) values.get("registration.service");
        String[] ref = service.split("/", -1);
        if (ref.length != 2 || !DNS_LABEL.matcher(ref[0]).matches() || !DNS_LABEL.matcher(ref[1]).matches()) {
            errors.add(at("registration.service") + "\"" + service + "\" must be NAMESPACE/NAME of the Service the APIService names "
                    + "(example: kube-system/metrics-server)");
        }
        String leaseNamespace = (String) values.get("registration.leaseNamespace");
        if (!DNS_LABEL.matcher(leaseNamespace).matches()) {
            errors.add(at("registration.leaseNamespace") + "\"" + leaseNamespace + "\" is not a namespace name");
        }
        int duration = (Integer) values.get("registration.leaseDurationSeconds");
        int renew = (Integer) values.get("registration.renewIntervalSeconds");
        if (renew >= duration) {
            errors.add(at("registration.renewIntervalSeconds") + renew + " must be less than registration.leaseDurationSeconds "
                    + duration + " (a Lease must be renewed before it expires; kube-apiserver uses 10 and 15)");
        }
    }

    /** Why kube-apiserver's Endpoints validation refuses the address, or null. */
    static String refusedInEndpoints(String ip) {
        try {
            return io.kma.api.kube.EndpointAddresses.refusal(java.net.InetAddress.getByName(ip)); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return "not an IP address";
        }
    }

    /** Rules that involve more than one key; upstream metrics-server applies the same timeout rule. */
    private void crossChecks() {
        long resolution = (Long) values.get("metricResolution");
        long timeout = (Long) values.get("kubelet.requestTimeout");
        if (resolution < ConfigSchema.MIN_RESOLUTION_MILLIS) {
            errors.add(at("metricResolution") + GoDuration.format(resolution) + " is below the minimum of "
                    + GoDuration.format(ConfigSchema.MIN_RESOLUTION_MILLIS));
        } else if (timeout <= 0) {
            errors.add(at("kubelet.requestTimeout") + "must be positive");
        } else if (timeout * 10 > resolution * 9) {
            boolean timeoutNamed = flags.containsKey("kubelet.requestTimeout")
                    || !flags.containsKey("metricResolution") && lines.containsKey("kubelet.requestTimeout");
            String where = timeoutNamed ? "kubelet.requestTimeout" : "metricResolution";
            errors.add(at(where) + "kubelet.requestTimeout " + GoDuration.format(timeout)
                    + " must be at most 9/10 of metricResolution " + GoDuration.format(resolution)
                    + " (" + GoDuration.format(resolution * 9 / 10) + ")");
        }
        boolean cert = !((String) values.get("server.tlsCertFile")).isEmpty();
        boolean key = !((String) values.get("server.tlsPrivateKeyFile")).isEmpty();
        if (cert != key) {
            String missing = cert ? "server.tlsPrivateKeyFile" : "server.tlsCertFile";
            errors.add(at(cert ? "server.tlsCertFile" : "server.tlsPrivateKeyFile") + missing
                    + " must be set too (both or neither; neither = self-signed certificate in server.certDir)");
        }
        registrationChecks();
        // Upstream metrics-server's own flag checks (options/kubelet_client.go), for the flags given together.
        if (flags.containsKey("kubelet.certificateAuthority") && flags.containsKey("kubelet.insecureSkipTLSVerify")
                && Boolean.TRUE.equals(values.get("kubelet.insecureSkipTLSVerify"))) {
            errors.add("cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls");
        }
        if (flags.containsKey("kubelet.clientCertificate") != flags.containsKey("kubelet.clientKey")) {
            errors.add("need both --kubelet-client-key and --kubelet-client-certificate");
        }
        if ("x509".equals(values.get("kubelet.auth")) && (((String) values.get("kubelet.clientCertificate")).isEmpty()
                || ((String) values.get("kubelet.clientKey")).isEmpty())) {
            errors.add(at("kubelet.auth") + "kubelet.clientCertificate and kubelet.clientKey must be set when kubelet.auth is x509");
        }
        if ("token".equals(values.get("kubelet.auth")) && ((String) values.get("kubelet.tokenFile")).isEmpty()) {
            errors.add(at("kubelet.auth") + "kubelet.tokenFile must be set when kubelet.auth is token");
        }
        String pins = (String) values.get("kubelet.pinDirectory");
        if ("caOrPin".equals(values.get("kubelet.tlsVerification")) && !pins.startsWith("/")) {
            errors.add(at("kubelet.pinDirectory") + (pins.isEmpty() ? "must be set" : "\"" + pins + "\" must be an absolute path")
                    + " when kubelet.tlsVerification is caOrPin (self-signed kubelet certificates are pinned there)");
        }
        if ("hosts".equals(values.get("kubelet.addressResolver")) && ((Map<?, ?>) values.get("kubelet.hosts")).isEmpty()) {
            errors.add(at("kubelet.addressResolver") + "kubelet.hosts must list the nodes when kubelet.addressResolver is hosts");
        }
    }

    private String at(String path) {
        if (flags.containsKey(path)) {
            return flags.get(path) + ": ";
        }
        return location(lines.getOrDefault(path, 0)) + path + ": ";
    }

    private String location(int line) {
        return line > 0 ? fileName + ":" + line + ": " : fileName + ": ";
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static Integer integer(String text) {
        if (!INTEGER.matcher(text.trim()).matches()) {
            return null;
        }
        long value = Long.parseLong(text.trim());
        return value > Integer.MAX_VALUE || value < Integer.MIN_VALUE ? null : (int) value;
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "an empty value";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }

    private static String article(KeyType type) {
        return switch (type) {
            case BOOLEAN -> "a boolean";
            case PORT -> "a port number";
            case POSITIVE_INT -> "a whole number";
            case DURATION -> "a duration";
            case SIZE -> "a size";
            case ENUM -> "one word";
            case IP_ADDRESS -> "an IP address";
            default -> "a string";
        };
    }

    private static String enumHint(Key key, String text) {
        for (String choice : key.choices()) {
            if (choice.equalsIgnoreCase(text)) {
                return " (did you mean " + choice + "?)";
            }
        }
        return "";
    }

    /** "did you mean": a sibling key within a small edit distance, else the same name in another section. */
    static String suggestion(String prefix, String name) {
        List<String> siblings = new ArrayList<>();
        for (String section : ConfigSchema.SECTIONS) {
            if (prefix.isEmpty()) {
                siblings.add(section);
            }
        }
        for (Key key : ConfigSchema.KEYS.values()) {
            if (key.parent().equals(prefix)) {
                siblings.add(key.leaf());
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : siblings) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(3, name.length() / 3))) {
            return " (did you mean " + best + "?)";
        }
        for (Key key : ConfigSchema.KEYS.values()) {
            if (key.leaf().equalsIgnoreCase(name)) {
                return " (did you mean " + key.path() + "?)";
            }
        }
        return "";
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
