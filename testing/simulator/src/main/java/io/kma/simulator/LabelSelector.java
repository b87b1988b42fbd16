package io.kma.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes label selector grammar: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)},
 * {@code k notin (a,b)}, {@code k}, {@code !k}, comma-separated and ANDed.
 */
public final class LabelSelector {
    private record Requirement(String key, String op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case "=", "in" -> v != null && values.contains(v);
                case "!=", "notin" -> v == null || !values.contains(v);
                case "exists" -> v != null;
                case "!" -> v == null;
                default -> false;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    public static LabelSelector parse(String s) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String term : splitTopLevel(s)) {
            String t = term.trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("empty requirement in label selector \"" + s + "\"");
            }
            int sp = indexOfWord(t, " notin ");
            int in = indexOfWord(t, " in ");
            if (sp > 0) {
                out.add(new Requirement(t.substring(0, sp).trim(), "notin", set(t.substring(sp + 7), s)));
            } else if (in > 0) {
                out.add(new Requirement(t.substring(0, in).trim(), "in", set(t.substring(in + 4), s)));
            } else if (t.contains("!=")) {
                String[] kv = t.split("!=", 2);
                out.add(new Requirement(kv[0].trim(), "!=", Set.of(kv[1].trim())));
            } else if (t.contains("==")) {
                String[] kv = t.split("==", 2);
                out.add(new Requirement(kv[0].trim(), "=", Set.of(kv[1].trim())));
            } else if (t.contains("=")) {
                String[] kv = t.split("=", 2);
                out.add(new Requirement(kv[0].trim(), "=", Set.of(kv[1].trim())));
            } else if (t.startsWith("!")) {
                out.add(new Requirement(t.substring(1).trim(), "!", Set.of()));
            } else if (t.matches("[A-Za-z0-9_./-]+")) {
                out.add(new Requirement(t, "exists", Set.of()));
            } else {
                throw new IllegalArgumentException("unable to parse requirement: \"" + t + "\"");
            }
        }
        return new LabelSelector(out);
    }

    private static int indexOfWord(String t, String word) {
        return t.indexOf(word);
    }

    private static Set<String> set(String rest, String whole) {
        String r = rest.trim();
        if (!r.startsWith("(") || !r.endsWith(")")) {
            throw new IllegalArgumentException("found '" + r + "', expected: '(' in label selector \"" + whole + "\"");
        }
        Set<String> values = new java.util.HashSet<>();
        for (String v : r.substring(1, r.length() - 1).split(",")) {
            values.add(v.trim());
        }
        return values;
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }
}
