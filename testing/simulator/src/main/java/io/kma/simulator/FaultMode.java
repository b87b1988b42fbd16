package io.kma.simulator;

import java.util.Locale;

/** How a kubelet misbehaves. NONE is a healthy kubelet. */
public enum FaultMode {
    NONE, TIMEOUT, SLOW, HTTP_500, HTTP_401, HTTP_403, RESET, GARBAGE, HUGE;

    /** Parses the CLI spelling: timeout|slow|500|401|403|reset|garbage|huge|none. */
    public static FaultMode parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "500" -> HTTP_500;
            case "401" -> HTTP_401;
            case "403" -> HTTP_403;
            default -> {
                try {
                    yield valueOf(v.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown fault mode \"" + s + "\"; expected timeout|slow|500|401|403|reset|garbage|huge|none");
                }
            }
        };
    }

    public String cliName() {
        return switch (this) {
            case HTTP_500 -> "500";
            case HTTP_401 -> "401";
            case HTTP_403 -> "403";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
