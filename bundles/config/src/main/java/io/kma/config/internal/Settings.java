package io.kma.config.internal;

import java.util.List;
import java.util.Map;

/** The validated configuration: every key of {@link ConfigSchema} with its converted value. */
record Settings(Map<String, Object> values) {

    Settings {
        values = Map.copyOf(values);
    }

    static Settings defaults() {
        return new Settings(ConfigSchema.defaults());
    }

    String string(String path) {
        return (String) get(path);
    }

    boolean bool(String path) {
        return (Boolean) get(path);
    }

    int integer(String path) {
        return (Integer) get(path);
    }

    /** Durations in milliseconds, sizes in bytes. */
    long number(String path) {
        return (Long) get(path);
    }

    @SuppressWarnings("unchecked")
    List<String> list(String path) {
        return (List<String>) get(path);
    }

    @SuppressWarnings("unchecked")
    Map<String, String> map(String path) {
        return (Map<String, String>) get(path);
    }

    /** The converted value, whatever its type. */
    Object value(String path) {
        return get(path);
    }

    private Object get(String path) {
        Object value = values.get(path);
        if (value == null) {
            throw new IllegalArgumentException("no configuration key " + path);
        }
        return value;
    }
}
