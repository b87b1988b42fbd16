package io.kma.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Field selectors ({@code f=v}, {@code f==v}, {@code f!=v}, ANDed) over the fields kube-apiserver
 * supports for the kind; an unknown field is a 400, as there.
 */
public final class FieldSelector {
    private record Term(String field, boolean equal, String value) {
    }

    public static final Set<String> POD_FIELDS = Set.of("metadata.name", "metadata.namespace", "spec.nodeName",
            "status.phase", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP",
            "status.nominatedNodeName");
    public static final Set<String> NODE_FIELDS = Set.of("metadata.name", "spec.unschedulable");

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    /** @throws IllegalArgumentException with kube-apiserver's message for an unsupported field */
    public static FieldSelector parse(String s, Set<String> supported, String kindLabel) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Term> out = new ArrayList<>();
        for (String t : s.split(",")) {
            String term = t.trim();
            boolean equal;
            String[] kv;
            if (term.contains("!=")) {
                kv = term.split("!=", 2);
                equal = false;
            } else if (term.contains("==")) {
                kv = term.split("==", 2);
                equal = true;
            } else if (term.contains("=")) {
                kv = term.split("=", 2);
                equal = true;
            } else {
                throw new IllegalArgumentException("invalid selector: '" + s + "'; can't understand '" + term + "'");
            }
            String field = kv[0].trim();
            if (!supported.contains(field)) {
                throw new IllegalArgumentException("field label not supported: " + field);
            }
            out.add(new Term(field, equal, kv[1].trim()));
        }
        return new FieldSelector(out);
    }

    public <T> boolean matches(T obj, Function<String, String> fieldValue) {
        for (Term t : terms) {
            String v = fieldValue.apply(t.field());
            if (t.equal() != t.value().equals(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }

    public boolean matchesPod(SimPod p) {
        return matches(p, f -> switch (f) {
            case "metadata.name" -> p.name;
            case "metadata.namespace" -> p.namespace;
            case "spec.nodeName" -> p.nodeName();
            case "status.phase" -> p.phase;
            case "spec.restartPolicy" -> "Always";
            case "spec.schedulerName" -> "default-scheduler";
            case "spec.serviceAccountName" -> "default";
            case "status.podIP" -> Render.podIp(p);
            default -> "";
        });
    }

    public boolean matchesNode(SimNode n) {
        return matches(n, f -> switch (f) {
            case "metadata.name" -> n.name;
            case "spec.unschedulable" -> "false";
            default -> "";
        });
    }
}
