package io.kma.simulator;

import java.util.Map;

/** Shared label maps: at 350,000 pods, one map per distinct label set instead of one per pod. */
final class Labels {
    private static final Map<String, String>[] APPS = appMaps();

    private Labels() {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String>[] appMaps() {
        Map<String, String>[] m = new Map[3];
        for (int r = 0; r < 3; r++) {
            m[r] = Map.of("app", "sim-app-" + r);
        }
        return m;
    }

    static Map<String, String> app(int j) {
        return APPS[j % 3];
    }
}
