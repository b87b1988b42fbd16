package io.kma.registration.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** This host's name as a DNS-1123 label, for the names {@code kube-metrics-appliance-<hostname>} and {@code metrics-server-kma-<hostname>}. */
final class HostName {

    /** Framework property overriding the host name: two appliances on one test machine need two names. */
    static final String PROPERTY = "kma.registration.hostname";
    /** Room left in a 63-character label after the longer prefix ({@code kube-metrics-appliance-}). */
    static final int MAX = 63 - Registrar.LEASE_PREFIX.length();

    private HostName() {
    }

    /** The override, else the kernel's host name, else the JDK's; sanitised. */
    static String current(String override) {
        String raw = override;
        if (raw == null || raw.isBlank()) {
            try {
                raw = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                raw = null;
            }
        }
        if (raw == null || raw.isBlank()) {
            try {
                raw = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                raw = "localhost";
            }
        }
        return sanitise(raw);
    }

    /**
     * Lower case; the first DNS label of a fully qualified name; anything but {@code [a-z0-9-]} becomes {@code -};
     * no leading or trailing {@code -}; at most {@link #MAX} characters.
     */
    static String sanitise(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        int dot = s.indexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^a-z0-9-]", "-");
        if (s.length() > MAX) {
            s = s.substring(0, MAX);
        }
        s = s.replaceAll("^-+", "").replaceAll("-+$", "");
        return s.isEmpty() ? "host" : s;
    }
}
