package io.kma.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An authenticated caller, as kube-apiserver's user.Info. Groups include system:authenticated. */
public record Identity(String user, List<String> groups, Map<String, List<String>> extra) {
    public static final String AUTHENTICATED = "system:authenticated";

    public static Identity of(String user, List<String> groups) {
        List<String> g = new ArrayList<>(groups);
        if (!g.contains(AUTHENTICATED)) {
            g.add(AUTHENTICATED);
        }
        return new Identity(user, List.copyOf(g), Map.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
