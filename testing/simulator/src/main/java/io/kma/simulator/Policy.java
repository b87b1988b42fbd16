package io.kma.simulator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small RBAC stand-in: rules grant verbs on (group, resource[/subresource]) or on non-resource
 * paths to users or groups. Answers the apiserver's own checks, SubjectAccessReviews and the kubelets.
 */
public final class Policy {
    public static final String MASTERS = "system:masters";
    public static final String APPLIANCE_USER = "system:kube-metrics-appliance";
    public static final String KUBELET_TOKEN_USER = "system:serviceaccount:kube-system:kube-metrics-appliance";

    /**
     * One grant. {@code "*"} matches anything; {@code resources} entries may carry a subresource
     * ({@code nodes/metrics}); {@code namespaces} empty means every namespace and the cluster scope.
     */
    public record Rule(Set<String> subjects, Set<String> verbs, Set<String> groups, Set<String> resources,
                       Set<String> namespaces, Set<String> paths) {
        boolean appliesTo(Identity id) {
            if (subjects.contains("*") || subjects.contains("user:" + id.user())) {
                return true;
            }
            return id.groups().stream().anyMatch(g -> subjects.contains("group:" + g));
        }

        boolean allows(Attributes a) {
            if (!(verbs.contains("*") || verbs.contains(a.verb()))) {
                return false;
            }
            if (!a.isResource()) {
                return paths.stream().anyMatch(p -> p.equals(a.path()) || (p.endsWith("*") && a.path().startsWith(p.substring(0, p.length() - 1))));
            }
            String res = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
            return (groups.contains("*") || groups.contains(a.group()))
                    && (resources.contains("*") || resources.contains(res))
                    && (namespaces.isEmpty() || namespaces.contains(a.namespace()));
        }
    }

    /** A {@link Rule} narrowed to objects of these names, as RBAC's {@code resourceNames}. */
    public record NamedRule(Rule rule, Set<String> names) {
        boolean allows(Identity id, Attributes a) {
            return a.isResource() && names.contains(a.name()) && rule.appliesTo(id) && rule.allows(a);
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<NamedRule> namedRules = new CopyOnWriteArrayList<>();

    public static Rule resourceRule(Set<String> subjects, Set<String> verbs, Set<String> groups, Set<String> resources) {
        return new Rule(subjects, verbs, groups, resources, Set.of(), Set.of());
    }

    public static Rule pathRule(Set<String> subjects, Set<String> verbs, Set<String> paths) {
        return new Rule(subjects, verbs, Set.of(), Set.of(), Set.of(), paths);
    }

    /** The default policy described in the simulator's contract. */
    public static Policy defaults() {
        Policy p = new Policy();
        Set<String> appliance = Set.of("user:" + APPLIANCE_USER, "user:" + KUBELET_TOKEN_USER);
        p.add(resourceRule(appliance, Set.of("get", "list", "watch"), Set.of(""), Set.of("nodes", "pods", "namespaces")));
        p.add(resourceRule(appliance, Set.of("get"), Set.of(""), Set.of("nodes/metrics", "nodes/stats")));
        p.add(resourceRule(appliance, Set.of("create"), Set.of("authentication.k8s.io"), Set.of("tokenreviews")));
        p.add(resourceRule(appliance, Set.of("create"), Set.of("authorization.k8s.io"), Set.of("subjectaccessreviews")));
        p.add(new Rule(appliance, Set.of("get", "list", "watch"), Set.of(""), Set.of("configmaps"), Set.of("kube-system"), Set.of()));
        // what `kube-metrics-appliance manifests` grants so that doctor can read the APIService's status
        p.add(resourceRule(appliance, Set.of("get"), Set.of("apiregistration.k8s.io"), Set.of("apiservices")));
        // self-registration, as `manifests` grants it (kube-system only; the Service's own Endpoints by name)
        Set<String> kubeSystem = Set.of("kube-system");
        p.add(new NamedRule(new Rule(appliance, Set.of("get", "update", "patch"), Set.of(""), Set.of("endpoints"), kubeSystem, Set.of()),
                Set.of("metrics-server")));
        p.add(new Rule(appliance, Set.of("create"), Set.of(""), Set.of("endpoints"), kubeSystem, Set.of()));
        p.add(new Rule(appliance, Set.of("get", "list", "watch", "create", "update", "patch", "delete"), Set.of("discovery.k8s.io"),
                Set.of("endpointslices"), kubeSystem, Set.of()));
        p.add(new Rule(appliance, Set.of("get", "list", "watch", "create", "update", "patch", "delete"), Set.of("coordination.k8s.io"),
                Set.of("leases"), kubeSystem, Set.of()));
        p.add(resourceRule(Set.of("group:developers"), Set.of("get", "list", "watch"), Set.of(""), Set.of("pods")));
        // system:discovery / system:basic-user equivalents: everyone authenticated may discover and ask about itself
        p.add(pathRule(Set.of("group:" + Identity.AUTHENTICATED), Set.of("get"),
                Set.of("/api", "/api/*", "/apis", "/apis/*", "/version", "/version/", "/healthz", "/livez", "/readyz", "/openapi/*")));
        p.add(resourceRule(Set.of("group:" + Identity.AUTHENTICATED), Set.of("create"), Set.of("authorization.k8s.io"),
                Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")));
        return p;
    }

    public Policy add(Rule rule) {
        rules.add(rule);
        return this;
    }

    public Policy add(NamedRule rule) {
        namedRules.add(rule);
        return this;
    }

    public boolean allows(Identity id, Attributes a) {
        if (id.inGroup(MASTERS)) {
            return true;
        }
        for (NamedRule r : namedRules) {
            if (r.allows(id, a)) {
                return true;
            }
        }
        for (Rule r : rules) {
            if (r.appliesTo(id) && r.allows(a)) {
                return true;
            }
        }
        return false;
    }
}
