package io.kma.registration.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.kma.api.http.HealthCheck;

/**
 * Whether this host may take requests: every {@code readyz} check passes (the same checks the HTTPS listener composes
 * into {@code /readyz}) and the listener accepts connections on the advertised address.
 */
final class Readiness {

    static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final Map<Object, HealthCheck> readyz = new ConcurrentHashMap<>();

    void add(Object key, HealthCheck check, Map<String, ?> properties) {
        if (endpoints(properties.get(HealthCheck.ENDPOINTS)).contains("readyz")) {
            readyz.put(key, check);
        } else {
            readyz.remove(key);
        }
    }

    void remove(Object key) {
        readyz.remove(key);
    }

    /** The first failing readyz check as {@code name: reason}, or null when all pass (and at least one exists). */
    String failingCheck() {
        if (readyz.isEmpty()) {
            return "no readyz checks registered (the HTTPS listener is not running)";
        }
        for (HealthCheck c : readyz.values()) {
            HealthCheck.Result r;
            try {
                r = c.check();
            } catch (RuntimeException e) {
                return c.name() + ": " + e;
            }
            if (!r.ok()) {
                return c.name() + ": " + r.reason();
            }
        }
        return null;
    }

    /** Whether a TCP connection to the advertised address and port succeeds (the listener binds it). */
    static boolean accepts(Member address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.ip(), address.port()), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Collection<String> endpoints(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] a) {
            return List.of(a);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
