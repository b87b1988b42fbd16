package io.kma.simulator;

/**
 * What a request wants to do, as kube-apiserver's authorizer.Attributes: either a resource request
 * (verb, group, resource, subresource, namespace, name) or a non-resource path.
 */
public record Attributes(String verb, String group, String resource, String subresource, String namespace,
                         String name, String path) {
    public static Attributes resource(String verb, String group, String resource, String subresource,
                                      String namespace, String name) {
        return new Attributes(verb, group == null ? "" : group, resource, subresource == null ? "" : subresource,
                namespace == null ? "" : namespace, name == null ? "" : name, null);
    }

    public static Attributes nonResource(String verb, String path) {
        return new Attributes(verb, null, null, null, null, null, path);
    }

    public boolean isResource() {
        return path == null;
    }

    /** kube-apiserver's Forbidden text, e.g. {@code nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope}. */
    public String forbiddenMessage(String user) {
        if (!isResource()) {
            return "forbidden: User \"" + user + "\" cannot " + verb + " path \"" + path + "\"";
        }
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        String target = name.isEmpty() ? qualified : qualified + " \"" + name + "\"";
        String res = subresource.isEmpty() ? resource : resource + "/" + subresource;
        String scope = namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
        return target + " is forbidden: User \"" + user + "\" cannot " + verb + " resource \"" + res
                + "\" in API group \"" + group + "\" " + scope;
    }
}
