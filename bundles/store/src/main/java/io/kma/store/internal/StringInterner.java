package io.kma.store.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares one String instance per distinct namespace and container name across all series, so that
 * 700,000 container series named "app" or "istio-proxy" do not each hold their own copy. Names not
 * seen during a whole cycle are forgotten, so the table does not grow without bound.
 * Not thread-safe: used by the single writer only.
 */
final class StringInterner {

    private Map<String, String> previous = new HashMap<>();
    private Map<String, String> current = new HashMap<>();

    /** Starts a new cycle: names seen in the previous cycle stay available for one more cycle. */
    void nextCycle() {
        previous = current;
        current = new HashMap<>(Math.max(16, previous.size() * 2));
    }

    String intern(String s) {
        String shared = current.get(s);
        if (shared != null) {
            return shared;
        }
        shared = previous.get(s);
        if (shared == null) {
            shared = s;
        }
        current.put(shared, shared);
        return shared;
    }

    int size() {
        return current.size();
    }
}
