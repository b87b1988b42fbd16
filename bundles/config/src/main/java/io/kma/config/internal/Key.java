package io.kma.config.internal;

import java.util.List;

/**
 * One documented leaf of config.yaml. The default is held in its converted form: String, Boolean, Integer,
 * Long (milliseconds for durations, bytes for sizes), List of String or Map of String to String.
 */
record Key(String path, KeyType type, Object defaultValue, List<String> choices) {

    Key(String path, KeyType type, Object defaultValue) {
        this(path, type, defaultValue, List.of());
    }

    String parent() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    String leaf() {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
