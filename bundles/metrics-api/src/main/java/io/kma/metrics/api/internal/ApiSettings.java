package io.kma.metrics.api.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kma.shared.labels.LabelSelector;

/**
 * The validated configuration the handler works with; built from {@link MetricsApiConfig} or directly in tests.
 *
 * @param requestHeaderCaFile empty: request-header CA, names and headers come from the ConfigMap
 */
record ApiSettings(LabelSelector nodeSelector, String requestHeaderCaFile, List<String> allowedNames,
        List<String> usernameHeaders, List<String> groupHeaders, List<String> extraHeaderPrefixes,
        long tokenCacheTtlMillis, boolean alwaysAllow, long authorizedTtlMillis, long unauthorizedTtlMillis,
        List<String> alwaysAllowPaths) {

    /**
     * @throws IllegalArgumentException naming the property that is wrong
     */
    static ApiSettings from(MetricsApiConfig c) {
        LabelSelector selector;
        try {
            selector = LabelSelector.parse(c.nodeSelector());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nodeSelector: " + e.getMessage());
        }
        String mode = c.authorizationMode() == null ? "Webhook" : c.authorizationMode().trim();
        boolean alwaysAllow;
        if (mode.equalsIgnoreCase("AlwaysAllow")) {
            alwaysAllow = true;
        } else if (mode.equalsIgnoreCase("Webhook")) {
            alwaysAllow = false;
        } else {
            throw new IllegalArgumentException("authorizationMode: \"" + mode + "\" is neither Webhook nor AlwaysAllow");
        }
        return new ApiSettings(selector, trim(c.requestheaderClientCAFile()), list(c.requestheaderAllowedNames()),
                list(c.requestheaderUsernameHeaders()), list(c.requestheaderGroupHeaders()),
                list(c.requestheaderExtraHeadersPrefix()), Math.max(0, c.tokenCacheTTLMillis()), alwaysAllow,
                Math.max(0, c.cacheAuthorizedTTLMillis()), Math.max(0, c.cacheUnauthorizedTTLMillis()),
                list(c.alwaysAllowPaths()));
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    static List<String> list(String[] values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    out.add(v.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
