package io.kma.metrics.api.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code fieldSelector} as the Metrics API accepts it: apimachinery's grammar ({@code a=b}, {@code a==b},
 * {@code a!=b}, comma-separated, {@code \\ \, \=} escapes) restricted to the fields
 * {@code runtime.DefaultMetaV1FieldSelectorConversion} knows: metadata.name and metadata.namespace.
 */
final class FieldSelector {

    static final String NAME = "metadata.name";
    static final String NAMESPACE = "metadata.namespace";

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private record Term(boolean name, boolean equal, String value) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    /**
     * @throws IllegalArgumentException with apimachinery's message, answered as 400 BadRequest
     */
    static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : splitTerms(selector)) {
            if (part.isEmpty()) {
                continue;
            }
            int[] op = findOperator(part);
            if (op == null) {
                throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            String field = part.substring(0, op[0]);
            String value = unescape(part.substring(op[0] + op[1]));
            boolean equal = op[1] != 2 || part.charAt(op[0]) != '!';
            if (!field.equals(NAME) && !field.equals(NAMESPACE)) {
                throw new IllegalArgumentException("\"" + field + "\" is not a known field selector: only \""
                        + NAME + "\", \"" + NAMESPACE + "\"");
            }
            terms.add(new Term(field.equals(NAME), equal, value));
        }
        return terms.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(terms));
    }

    static FieldSelector everything() {
        return EVERYTHING;
    }

    boolean isEverything() {
        return terms.isEmpty();
    }

    /**
     * @param namespace the object's namespace, or null for cluster-scoped objects, which have no
     *                  metadata.namespace field (it reads as "", so {@code metadata.namespace=x} matches none)
     */
    boolean matches(String name, String namespace) {
        for (Term t : terms) {
            String have = t.name ? name : (namespace == null ? "" : namespace);
            if (have.equals(t.value) != t.equal) {
                return false;
            }
        }
        return true;
    }

    /** The value a term requires for metadata.name, if any, so a list can become a lookup. */
    String requiredName() {
        for (Term t : terms) {
            if (t.name && t.equal) {
                return t.value;
            }
        }
        return null;
    }

    private static List<String> splitTerms(String s) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** {index, length} of the first operator, trying != then == then = at each position, as apimachinery. */
    private static int[] findOperator(String term) {
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '\\') {
                i++;
                continue;
            }
            if (term.startsWith("!=", i)) {
                return new int[] {i, 2};
            }
            if (term.startsWith("==", i)) {
                return new int[] {i, 2};
            }
            if (c == '=') {
                return new int[] {i, 1};
            }
        }
        return null;
    }

    private static String unescape(String v) {
        if (v.indexOf('\\') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                if (i + 1 >= v.length() || "\\,=".indexOf(v.charAt(i + 1)) < 0) {
                    throw new IllegalArgumentException("invalid field selector: invalid escape sequence in '" + v + "'");
                }
                i++;
                b.append(v.charAt(i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
