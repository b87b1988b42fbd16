package io.kma.config.internal;

import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Whether stored ConfigAdmin properties already equal the wanted ones, so unchanged PIDs are not rewritten. */
final class PropertiesComparison {

    /** Set by ConfigAdmin itself, never by us. */
    private static final Set<String> MANAGED = Set.of("service.pid", "service.factoryPid", "service.bundleLocation");

    private PropertiesComparison() {
    }

    static boolean same(Dictionary<String, ?> stored, Map<String, Object> wanted) {
        if (stored == null) {
            return false;
        }
        Map<String, Object> current = new HashMap<>();
        for (Enumeration<String> keys = stored.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!MANAGED.contains(key)) {
                current.put(key, stored.get(key));
            }
        }
        if (!current.keySet().equals(wanted.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : wanted.entrySet()) {
            if (!Objects.deepEquals(normalise(current.get(e.getKey())), normalise(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    private static Object normalise(Object value) {
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        return value;
    }
}
