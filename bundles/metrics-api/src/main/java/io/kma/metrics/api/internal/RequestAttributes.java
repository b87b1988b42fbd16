package io.kma.metrics.api.internal;

import java.util.Locale;

/**
 * What a request asks for, in the terms of the apiserver's RequestInfo: a resource request
 * ({@code /apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>]}) with its verb, or a
 * non-resource request (every other path, including discovery) with the lower-cased method as verb.
 */
// name: the object authorized (from the path, or from a metadata.name fieldSelector on lists); pathName: from the path only.
record RequestAttributes(boolean resourceRequest, String verb, String group, String version, String resource,
        String subresource, String namespace, String name, String pathName, String path) {

    static RequestAttributes of(String method, String path, boolean watch, String fieldSelectorName) {
        String m = method.toUpperCase(Locale.ROOT);
        String[] parts = split(path);
        // /apis/<group>/<version>/<resource>...: fewer than three parts after /apis is discovery.
        if (parts.length >= 4 && parts[0].equals("apis")) {
            String group = parts[1];
            String version = parts[2];
            int i = 3;
            String namespace = "";
            if (parts[i].equals("namespaces") && parts.length > i + 1) {
                namespace = parts[i + 1];
                i += 2;
            }
            String resource;
            String name = "";
            String sub = "";
            if (i >= parts.length) {
                // /namespaces/<ns> is the namespace object itself.
                resource = "namespaces";
                name = namespace;
            } else {
                resource = parts[i];
                if (i + 1 < parts.length) {
                    name = parts[i + 1];
                }
                if (i + 2 < parts.length) {
                    sub = parts[i + 2];
                }
            }
            String verb;
            switch (m) {
                case "GET": case "HEAD":
                    verb = watch ? "watch" : (name.isEmpty() ? "list" : "get");
                    break;
                case "POST": verb = "create"; break;
                case "PUT": verb = "update"; break;
                case "PATCH": verb = "patch"; break;
                case "DELETE": verb = name.isEmpty() ? "deletecollection" : "delete"; break;
                default: verb = m.toLowerCase(Locale.ROOT); break;
            }
            String pathName = name;
            // As RequestInfoFactory: a list narrowed to one name by fieldSelector is authorized for that name.
            if (name.isEmpty() && fieldSelectorName != null && (verb.equals("list") || verb.equals("watch"))) {
                name = fieldSelectorName;
            }
            return new RequestAttributes(true, verb, group, version, resource, sub, namespace, name, pathName, path);
        }
        String verb = m.equals("HEAD") ? "get" : m.toLowerCase(Locale.ROOT);
        return new RequestAttributes(false, verb, "", "", "", "", "", "", "", path);
    }

    private static String[] split(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/");
    }

    /** apiserver's forbiddenMessage. */
    String forbiddenMessage(String user) {
        if (!resourceRequest) {
            return "User \"" + user + "\" cannot " + verb + " path \"" + path + "\"";
        }
        String r = subresource.isEmpty() ? resource : resource + "/" + subresource;
        if (!namespace.isEmpty()) {
            return "User \"" + user + "\" cannot " + verb + " resource \"" + r + "\" in API group \"" + group
                    + "\" in the namespace \"" + namespace + "\"";
        }
        return "User \"" + user + "\" cannot " + verb + " resource \"" + r + "\" in API group \"" + group
                + "\" at the cluster scope";
    }
}
