package io.kma.shared.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector with the full grammar of {@code labels.Parse}: {@code key},
 * {@code !key}, {@code key=value}, {@code key==value}, {@code key!=value}, {@code key in (a,b)},
 * {@code key notin (a,b)}, {@code key>1}, {@code key<1}; requirements separated by commas and ANDed.
 * Immutable and thread-safe. Used for the node selector and for {@code labelSelector} query
 * parameters.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), "");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private enum Op { EXISTS, NOT_EXISTS, EQUALS, NOT_EQUALS, IN, NOT_IN, GREATER, LESS }

    private record Requirement(String key, Op op, Set<String> values) {

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            switch (op) {
                case EXISTS: return v != null;
                case NOT_EXISTS: return v == null;
                case EQUALS: case IN: return v != null && values.contains(v);
                case NOT_EQUALS: case NOT_IN: return v == null || !values.contains(v);
                case GREATER: case LESS:
                    if (v == null) {
                        return false;
                    }
                    try {
                        long have = Long.parseLong(v);
                        long want = Long.parseLong(values.iterator().next());
                        return op == Op.GREATER ? have > want : have < want;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                default: return false;
            }
        }
    }

    private final List<Requirement> requirements;
    private final String text;

    private LabelSelector(List<Requirement> requirements, String text) {
        this.requirements = requirements;
        this.text = text;
    }

    /** The selector that matches every label set. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses a selector; null or blank selects everything.
     *
     * @throws IllegalArgumentException with a message naming the offending part
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        Parser p = new Parser(selector);
        do {
            reqs.add(p.requirement());
        } while (p.comma());
        p.expectEnd();
        return new LabelSelector(List.copyOf(reqs), selector.trim());
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** AND of both selectors. */
    public LabelSelector and(LabelSelector other) {
        if (other.isEverything()) {
            return this;
        }
        if (isEverything()) {
            return other;
        }
        List<Requirement> all = new ArrayList<>(requirements);
        all.addAll(other.requirements);
        return new LabelSelector(List.copyOf(all), text + "," + other.text);
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Requirement requirement() {
            skipSpace();
            if (peek('!')) {
                i++;
                String key = key();
                return new Requirement(key, Op.NOT_EXISTS, Set.of());
            }
            String key = key();
            skipSpace();
            if (i >= s.length() || peek(',')) {
                return new Requirement(key, Op.EXISTS, Set.of());
            }
            if (s.startsWith("==", i)) {
                i += 2;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", i)) {
                i += 2;
                return new Requirement(key, Op.NOT_EQUALS, Set.of(value()));
            }
            if (peek('=')) {
                i++;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            if (peek('>') || peek('<')) {
                Op op = peek('>') ? Op.GREATER : Op.LESS;
                i++;
                String v = value();
                try {
                    Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw error("for '" + (op == Op.GREATER ? ">" : "<") + "', value must be an integer, found '" + v + "'");
                }
                return new Requirement(key, op, Set.of(v));
            }
            String word = word();
            if (word.equals("in") || word.equals("notin")) {
                return new Requirement(key, word.equals("in") ? Op.IN : Op.NOT_IN, valueSet());
            }
            throw error("found '" + (word.isEmpty() ? String.valueOf(s.charAt(i)) : word)
                    + "', expected: in, notin, =, ==, !=, gt, lt");
        }

        private Set<String> valueSet() {
            skipSpace();
            if (!peek('(')) {
                throw error("found '" + rest() + "', expected: '('");
            }
            i++;
            Set<String> values = new TreeSet<>();
            while (true) {
                skipSpace();
                if (peek(')')) {
                    i++;
                    return Collections.unmodifiableSet(values);
                }
                values.add(value());
                skipSpace();
                if (peek(',')) {
                    i++;
                } else if (!peek(')')) {
                    throw error("found '" + rest() + "', expected: ',' or ')'");
                }
            }
        }

        private String key() {
            skipSpace();
            String k = token();
            if (k.isEmpty()) {
                throw error("found '" + rest() + "', expected: !, identifier, or 'end of string'");
            }
            int slash = k.indexOf('/');
            String prefix = slash >= 0 ? k.substring(0, slash) : null;
            String name = slash >= 0 ? k.substring(slash + 1) : k;
            if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
                throw error("invalid label key \"" + k + "\": prefix part must be a DNS subdomain");
            }
            if (!NAME.matcher(name).matches()) {
                throw error("invalid label key \"" + k + "\": name part must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (at most 63 characters)");
            }
            return k;
        }

        private String value() {
            skipSpace();
            String v = token();
            if (!v.isEmpty() && !NAME.matcher(v).matches()) {
                throw error("invalid label value: \"" + v + "\": a valid label must be an empty string or consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                        + " (at most 63 characters)");
            }
            return v;
        }

        private String word() {
            int start = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        private String token() {
            int start = i;
            while (i < s.length() && "=!<>,() \t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return s.substring(start, i);
        }

        boolean comma() {
            skipSpace();
            if (peek(',')) {
                i++;
                return true;
            }
            return false;
        }

        void expectEnd() {
            skipSpace();
            if (i < s.length()) {
                throw error("found '" + rest() + "', expected: ',' or 'end of string'");
            }
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private String rest() {
            return i < s.length() ? s.substring(i, Math.min(s.length(), i + 10)) : "end of string";
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException("unable to parse requirement: " + message);
        }
    }
}
