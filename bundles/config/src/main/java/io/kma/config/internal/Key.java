package io.kma.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One documented leaf of config.yaml: its type and default, the rules beyond its type, the ConfigAdmin
 * properties it becomes, and a line of documentation. The default is held in its converted form: String,
 * Boolean, Integer, Long (milliseconds for durations, bytes for sizes), List of String or Map of String to String.
 *
 * @param choices the allowed values of an ENUM key
 * @param itemRule for a STRING_LIST key: what is wrong with one item (after {@code file:line: key: }), or null
 * @param emptyListProblem for a STRING_LIST key that must not be empty: what to say when it is, else null
 * @param properties the PID properties that carry the value
 */
record Key(String path, KeyType type, Object defaultValue, List<String> choices, Function<String, String> itemRule,
        String emptyListProblem, List<PidProperty> properties, String doc) {

    /** A ConfigAdmin property of a PID and how the key's value becomes its value. */
    record PidProperty(String pid, String name, UnaryOperator<Object> form) {
    }

    Key(String path, KeyType type, Object defaultValue, String doc) {
        this(path, type, defaultValue, List.of(), null, null, List.of(), doc);
    }

    Key {
        choices = List.copyOf(choices);
        properties = List.copyOf(properties);
    }

    Key choices(String... allowed) {
        return new Key(path, type, defaultValue, List.of(allowed), itemRule, emptyListProblem, properties, doc);
    }

    Key items(Function<String, String> rule) {
        return new Key(path, type, defaultValue, choices, rule, emptyListProblem, properties, doc);
    }

    Key nonEmpty(String problem) {
        return new Key(path, type, defaultValue, choices, itemRule, problem, properties, doc);
    }

    /** Also the property {@code name} of {@code pid}, in the type's property form ({@link KeyType#propertyForm}). */
    Key to(String pid, String name) {
        return to(pid, name, type::propertyForm);
    }

    Key to(String pid, String name, UnaryOperator<Object> form) {
        List<PidProperty> more = new ArrayList<>(properties);
        more.add(new PidProperty(pid, name, form));
        return new Key(path, type, defaultValue, choices, itemRule, emptyListProblem, more, doc);
    }

    String parent() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    String leaf() {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
