package io.kma.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML resource with typed holes. {@code {{name}}} takes a {@link Fragment}: text already validated or escaped for
 * the place it goes, so no caller's string reaches the YAML as it is. A line {@code {{#name}}} up to the line
 * {@code {{/name}}} is kept when the value is true, a fragment, or a non-empty list (then once per item, the item's
 * names in scope); {@code {{^name}}} keeps it when the value is none of these.
 */
final class YamlTemplate {

    private static final Pattern HOLE = Pattern.compile("\\{\\{(\\w+)}}");
    private static final Pattern OPEN = Pattern.compile("\\{\\{([#^])(\\w+)}}");
    private static final Pattern CLOSE = Pattern.compile("\\{\\{/(\\w+)}}");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9+/][A-Za-z0-9._/+=-]*");

    /** Text fit for its place in the YAML; only the factories below make one. */
    static final class Fragment {
        private final String text;

        private Fragment(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final List<String> lines;

    private YamlTemplate(List<String> lines) {
        this.lines = lines;
    }

    /** The template {@code name} next to {@code owner}'s class file. */
    static YamlTemplate resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the launcher jar");
            }
            return new YamlTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text after a {@code #}: one line, since a line break would end the comment and start YAML. */
    static Fragment comment(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a comment must be one line: " + text);
        }
        return new Fragment(text);
    }

    /** A plain scalar that YAML reads as the same string: names, base64; no indicators, spaces or colons. */
    static Fragment plain(String text) {
        if (!PLAIN.matcher(text).matches()) {
            throw new IllegalArgumentException("not a plain YAML scalar: " + text);
        }
        return new Fragment(text);
    }

    /** Plain scalars joined for a flow sequence's brackets: {@code a, b}. */
    static Fragment flowItems(List<String> items) {
        return new Fragment(String.join(", ", items.stream().map(i -> plain(i).text).toList()));
    }

    /** A double-quoted scalar, escaped. */
    static Fragment quoted(String text) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                q.append(String.format("\\x%02x", (int) c));
            } else {
                q.append(c);
            }
        }
        return new Fragment(q.append('"').toString());
    }

    static Fragment number(long n) {
        return new Fragment(Long.toString(n));
    }

    /**
     * @param scope names to fragments, booleans, or lists of scopes
     * @throws IllegalArgumentException a hole without a fragment, or a section not closed
     */
    String render(Map<String, ?> scope) {
        StringBuilder out = new StringBuilder();
        Deque<Map<String, ?>> scopes = new ArrayDeque<>();
        scopes.push(scope);
        render(0, lines.size(), scopes, out);
        return out.toString();
    }

    private void render(int from, int to, Deque<Map<String, ?>> scopes, StringBuilder out) {
        int i = from;
        while (i < to) {
            String line = lines.get(i);
            Matcher open = OPEN.matcher(line);
            if (open.matches()) {
                String name = open.group(2);
                int end = closing(name, i, to);
                Object value = lookup(scopes, name);
                if (open.group(1).equals("^")) {
                    if (!present(value)) {
                        render(i + 1, end, scopes, out);
                    }
                } else if (value instanceof List<?> items) {
                    for (Object item : items) {
                        @SuppressWarnings("unchecked")
                        Map<String, ?> itemScope = (Map<String, ?>) item;
                        scopes.push(itemScope);
                        render(i + 1, end, scopes, out);
                        scopes.pop();
                    }
                } else if (present(value)) {
                    render(i + 1, end, scopes, out);
                }
                i = end + 1;
                continue;
            }
            if (CLOSE.matcher(line).matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + line + " closes no section");
            }
            out.append(fill(line, scopes)).append('\n');
            i++;
        }
    }

    private int closing(String name, int openLine, int to) {
        int depth = 0;
        for (int j = openLine + 1; j < to; j++) {
            Matcher open = OPEN.matcher(lines.get(j));
            if (open.matches() && open.group(2).equals(name)) {
                depth++;
            }
            Matcher close = CLOSE.matcher(lines.get(j));
            if (close.matches() && close.group(1).equals(name) && depth-- == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("line " + (openLine + 1) + ": section " + name + " is not closed");
    }

    private static String fill(String line, Deque<Map<String, ?>> scopes) {
        Matcher hole = HOLE.matcher(line);
        StringBuilder filled = new StringBuilder();
        while (hole.find()) {
            Object value = lookup(scopes, hole.group(1));
            if (!(value instanceof Fragment f)) {
                throw new IllegalArgumentException("{{" + hole.group(1) + "}} needs a fragment, not " + value);
            }
            hole.appendReplacement(filled, Matcher.quoteReplacement(f.text));
        }
        return hole.appendTail(filled).toString();
    }

    private static Object lookup(Deque<Map<String, ?>> scopes, String name) {
        for (Map<String, ?> scope : scopes) {
            if (scope.containsKey(name)) {
                return scope.get(name);
            }
        }
        return null;
    }

    private static boolean present(Object value) {
        return value instanceof Boolean b ? b : value instanceof List<?> l ? !l.isEmpty() : value != null;
    }
}
