package io.kma.config.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * names the file, the line and the key path; converts and checks every value, then the merged values, by the rules
 * of {@link ConfigSchema}.
 */
final class ConfigParser {

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
                errors.add(location(line) + path + ": unknown key" + KeySuggestions.suggestion(prefix, name));
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
            errors.add(at + "must be " + key.type().article() + ", not " + describe(node));
            return null;
        }
        KeyType.Parsed parsed = key.type().parse(scalar.getValue(), key);
        if (parsed.problem() != null) {
            errors.add(at + parsed.problem());
            return null;
        }
        return parsed.value();
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
            String problem = key.itemRule() == null ? null : key.itemRule().apply(text);
            if (problem != null) {
                errors.add(itemAt + problem);
                return null;
            }
            items.add(text);
        }
        if (items.isEmpty() && key.emptyListProblem() != null) {
            errors.add(at + key.emptyListProblem());
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
        return Collections.unmodifiableMap(entries);
    }

    /** The cross-key rules of the schema, over the merged values. */
    private void crossChecks() {
        errors.addAll(ConfigSchema.crossKeyProblems(new ConfigSchema.Merged() {
            @Override public Object value(String path) {
                return values.get(path);
            }

            @Override public String at(String path) {
                return ConfigParser.this.at(path);
            }

            @Override public boolean fromFlag(String path) {
                return flags.containsKey(path);
            }

            @Override public boolean inFile(String path) {
                return lines.containsKey(path);
            }
        }));
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

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
