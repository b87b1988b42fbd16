package io.kma.config.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Command-line overrides of config.yaml keys (upstream metrics-server flags given to {@code run}), passed by the
 * launcher as the framework property {@value #PROPERTY}: a JSON list of
 * {@code {"flag": "--kubelet-port", "key": "kubelet.port", "value": "10250"}} (lists as JSON arrays of strings).
 * They are applied on top of the file at every (re-)read, with the file's validation; errors name the flag.
 */
final class Overrides {

    static final String PROPERTY = "kma.config.overrides";

    /** One flag's value for one config.yaml key; {@code value} is a scalar or a sequence of scalars. */
    record Override(String flag, String key, Node value) {
    }

    private Overrides() {
    }

    /** @param json the property's value; null or blank means no overrides */
    static List<Override> parse(String json) throws InvalidConfigException {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(0);
            root = new Yaml(options).compose(new StringReader(json));
        } catch (YAMLException e) {
            throw invalid("not a JSON list: " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
        }
        if (!(root instanceof SequenceNode sequence)) {
            throw invalid("not a JSON list");
        }
        List<Override> overrides = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof MappingNode mapping)) {
                throw invalid("every entry must be {flag, key, value}");
            }
            String flag = null;
            String key = null;
            Node value = null;
            for (NodeTuple tuple : mapping.getValue()) {
                String name = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                switch (name) {
                    case "flag" -> flag = scalar(tuple.getValueNode());
                    case "key" -> key = scalar(tuple.getValueNode());
                    case "value" -> value = tuple.getValueNode();
                    default -> throw invalid("unknown field " + name);
                }
            }
            if (flag == null || key == null || value == null) {
                throw invalid("every entry must be {flag, key, value}");
            }
            if (!ConfigSchema.KEYS.containsKey(key)) {
                throw invalid(flag + ": unknown configuration key " + key);
            }
            overrides.add(new Override(flag, key, value));
        }
        return List.copyOf(overrides);
    }

    private static String scalar(Node node) throws InvalidConfigException {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw invalid("flag and key must be strings");
    }

    private static InvalidConfigException invalid(String problem) {
        return new InvalidConfigException(List.of(PROPERTY + ": " + problem));
    }
}
