package io.kma.metrics.api.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.kma.api.auth.RequestHeaderSettings;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

/**
 * The request-header (front-proxy) identity headers: which names are in effect, what a request claims in them, and
 * their removal. The chain strips them from every request before any method or handler reads it, so a caller
 * without the front-proxy certificate cannot smuggle an identity past a later reader.
 */
final class IdentityHeaders {

    private static final String REMOTE_PREFIX = "x-remote-";

    /** Request-header settings in effect: from the configuration file, or from the ConfigMap. */
    record Names(List<String> allowedNames, List<String> userHeaders, List<String> groupHeaders,
            List<String> extraPrefixes) {
    }

    /** What the request carried before the headers were stripped, and under which names. */
    record Claimed(String user, List<String> groups, Map<String, List<String>> extra, boolean anyHeader, Names names) {
    }

    private IdentityHeaders() {
    }

    /** Header names in effect: from the configuration file's settings, or from the ConfigMap (maybe none yet). */
    static Names inEffect(ApiSettings settings, Optional<RequestHeaderSettings> fromConfigMap) {
        if (!settings.requestHeaderCaFile().isEmpty()) {
            return new Names(settings.allowedNames(), settings.usernameHeaders(), settings.groupHeaders(),
                    settings.extraHeaderPrefixes());
        }
        if (fromConfigMap.isEmpty()) {
            return new Names(List.of(), List.of(), List.of(), List.of());
        }
        RequestHeaderSettings s = fromConfigMap.get();
        return new Names(nonNull(s.allowedNames()), nonNull(s.usernameHeaders()), nonNull(s.groupHeaders()),
                nonNull(s.extraHeaderPrefixes()));
    }

    static Claimed claim(HeaderMap headers, Names names) {
        boolean any = false;
        for (HttpString name : headers.getHeaderNames()) {
            if (name.toString().toLowerCase(Locale.ROOT).startsWith(REMOTE_PREFIX)) {
                any = true;
                break;
            }
        }
        String user = null;
        for (String h : names.userHeaders()) {
            String v = headers.getFirst(h);
            if (v != null && !v.isEmpty()) {
                user = v;
                break;
            }
        }
        List<String> groups = new ArrayList<>();
        for (String h : names.groupHeaders()) {
            HeaderValues values = headers.get(h);
            if (values != null) {
                groups.addAll(values);
            }
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (String prefix : names.extraPrefixes()) {
            String lowerPrefix = prefix.toLowerCase(Locale.ROOT);
            for (HeaderValues values : headers) {
                String name = values.getHeaderName().toString();
                if (name.length() > lowerPrefix.length() && name.toLowerCase(Locale.ROOT).startsWith(lowerPrefix)) {
                    String key = unescape(name.substring(prefix.length()).toLowerCase(Locale.ROOT));
                    extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
                }
            }
        }
        return new Claimed(user, List.copyOf(groups), Map.copyOf(extra), any, names);
    }

    /** Removes the configured request-header headers and every X-Remote-* header. */
    static void strip(HeaderMap headers, Names names) {
        List<HttpString> remove = new ArrayList<>();
        for (HttpString name : headers.getHeaderNames()) {
            String lower = name.toString().toLowerCase(Locale.ROOT);
            boolean match = lower.startsWith(REMOTE_PREFIX);
            if (!match) {
                match = containsIgnoreCase(names.userHeaders(), lower) || containsIgnoreCase(names.groupHeaders(), lower)
                        || startsWithAny(names.extraPrefixes(), lower);
            }
            if (match) {
                remove.add(name);
            }
        }
        for (HttpString name : remove) {
            headers.remove(name);
        }
    }

    private static String unescape(String key) {
        if (key.indexOf('%') < 0) {
            return key;
        }
        try {
            // Go's url.PathUnescape: '+' stays '+'.
            return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key;
        }
    }

    private static boolean containsIgnoreCase(List<String> list, String lower) {
        for (String s : list) {
            if (s.equalsIgnoreCase(lower)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAny(List<String> prefixes, String lower) {
        for (String p : prefixes) {
            if (lower.startsWith(p.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }
}
