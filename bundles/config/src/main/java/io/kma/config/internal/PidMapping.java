package io.kma.config.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * config.yaml keys to ConfigAdmin PIDs and properties as {@link ConfigSchema} declares them (the table in
 * docs/DEVELOPING.md). Every PID gets every property: durations as Long milliseconds, sizes as Long bytes, lists as
 * String[].
 */
final class PidMapping {

    private PidMapping() {
    }

    static Map<String, Map<String, Object>> toPids(Settings s) {
        Map<String, Map<String, Object>> pids = new LinkedHashMap<>();
        for (String pid : ConfigSchema.PIDS) {
            pids.put(pid, new LinkedHashMap<>());
        }
        for (Key key : ConfigSchema.ORDERED) {
            for (Key.PidProperty p : key.properties()) {
                pids.get(p.pid()).put(p.name(), p.form().apply(s.value(key.path())));
            }
        }
        return pids;
    }

    /** Strategy services carry kma.strategy; the scraper's references select one through this target filter. */
    static String strategyFilter(String strategy) {
        return "(kma.strategy=" + strategy + ")";
    }
}
