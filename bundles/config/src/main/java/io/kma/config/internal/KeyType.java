package io.kma.config.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import io.kma.shared.net.IpAddresses;

/**
 * What a config.yaml leaf holds: how its YAML scalar is read and checked (range, allowed values), how it is
 * reported when wrong, and the form of its ConfigAdmin property.
 */
enum KeyType {
    STRING("a string"),
    BOOLEAN("a boolean"),
    PORT("a port number"),
    POSITIVE_INT("a whole number"),
    DURATION("a duration"),
    SIZE("a size"),
    ENUM("one word"),
    IP_ADDRESS("an IP address"),
    STRING_LIST("a string"),
    STRING_MAP("a string");

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,10}");

    /** A scalar's converted value, or what is wrong with it (said after {@code file:line: key: }). */
    record Parsed(Object value, String problem) {

        static Parsed ok(Object value) {
            return new Parsed(value, null);
        }

        static Parsed wrong(String problem) {
            return new Parsed(null, problem);
        }
    }

    private final String article;

    KeyType(String article) {
        this.article = article;
    }

    /** How a value of this type is named in "must be ..., not ...". */
    String article() {
        return article;
    }

    /** Reads a scalar of a scalar type (not STRING_LIST or STRING_MAP). */
    Parsed parse(String text, Key key) {
        String quoted = "\"" + text + "\"";
        switch (this) {
            case STRING:
                return Parsed.ok(text);
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Parsed.ok(Boolean.valueOf(text.toLowerCase(Locale.ROOT)));
                }
                return Parsed.wrong(quoted + " is not a boolean (true or false)");
            case PORT: {
                Integer port = integer(text);
                if (port == null || port < 1 || port > 65535) {
                    return Parsed.wrong(quoted + " is not a port (1-65535)");
                }
                return Parsed.ok(port);
            }
            case POSITIVE_INT: {
                Integer n = integer(text);
                if (n == null || n < 1) {
                    return Parsed.wrong(quoted + " is not a positive whole number");
                }
                return Parsed.ok(n);
            }
            case DURATION: {
                OptionalLong parsed = GoDuration.parseMillis(text);
                if (parsed.isEmpty()) {
                    return Parsed.wrong(quoted + " is not a duration (examples: 10s, 1m30s)");
                }
                long millis = parsed.getAsLong();
                if (millis < 0) {
                    return Parsed.wrong(quoted + " must not be negative");
                }
                return Parsed.ok(millis);
            }
            case SIZE: {
                long bytes = ByteSize.parse(text);
                if (bytes <= 0) {
                    return Parsed.wrong(quoted + " is not a size (examples: 16Mi, 512Ki, 1Gi)");
                }
                return Parsed.ok(bytes);
            }
            case ENUM:
                if (key.choices().contains(text)) {
                    return Parsed.ok(text);
                }
                return Parsed.wrong(quoted + " is not one of " + String.join(", ", key.choices())
                        + KeySuggestions.choiceHint(key.choices(), text));
            case IP_ADDRESS:
                if (IpAddresses.looksLikeIp(text)) {
                    return Parsed.ok(text);
                }
                return Parsed.wrong(quoted + " is not an IP address (examples: 0.0.0.0, 192.0.2.10, ::)");
            default:
                throw new IllegalStateException("not a scalar key type " + this);
        }
    }

    /** The ConfigAdmin form of a value: lists as String[], maps as {@code name=value} pairs; others as they are. */
    Object propertyForm(Object value) {
        return switch (this) {
            case STRING_LIST -> ((List<?>) value).toArray(String[]::new);
            case STRING_MAP -> ((Map<?, ?>) value).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            default -> value;
        };
    }

    private static Integer integer(String text) {
        if (!INTEGER.matcher(text.trim()).matches()) {
            return null;
        }
        long value = Long.parseLong(text.trim());
        return value > Integer.MAX_VALUE || value < Integer.MIN_VALUE ? null : (int) value;
    }
}
