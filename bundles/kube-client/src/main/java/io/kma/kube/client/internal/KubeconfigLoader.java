package io.kma.kube.client.internal;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a kubeconfig the way kubectl does for the fields this appliance supports. Every error names the
 * file and the field, e.g. {@code /etc/kma/kubeconfig: users[0].user.client-key: file /x not readable}.
 */
final class KubeconfigLoader {

    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private KubeconfigLoader() {
    }

    static Kubeconfig load(Path file) throws KubeconfigException {
        Path path = file.toAbsolutePath().normalize();
        String text;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new KubeconfigException(path + ": larger than " + MAX_BYTES + " bytes");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KubeconfigException(path + ": file does not exist");
        } catch (IOException e) {
            throw new KubeconfigException(path + ": not readable (" + e.getClass().getSimpleName() + ")");
        }
        return parse(path, text);
    }

    static Kubeconfig parse(Path path, String text) throws KubeconfigException {
        Object root;
        try (Reader r = new java.io.StringReader(text)) {
            // SafeConstructor: plain maps, lists and scalars only, no arbitrary types.
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (YAMLException | IOException e) {
            // The YAML message may quote file content; it is a kubeconfig that may hold keys, so keep
            // only the position.
            throw new KubeconfigException(path + ": not valid YAML" + position(e));
        }
        Fields f = new Fields(path);
        Map<?, ?> doc = f.map(root, "");
        if (doc == null) {
            throw new KubeconfigException(path + ": empty");
        }
        String contextName = f.string(doc, "", "current-context");
        List<?> contexts = f.list(doc, "", "contexts");
        int ctxIndex;
        if (contextName == null || contextName.isEmpty()) {
            if (contexts.size() != 1) {
                throw new KubeconfigException(path + ": current-context: not set");
            }
            ctxIndex = 0;
            contextName = f.string(f.map(contexts.get(0), "contexts[0]"), "contexts[0]", "name");
        } else {
            ctxIndex = f.indexOf(contexts, "contexts", contextName);
        }
        String ctxField = "contexts[" + ctxIndex + "].context";
        Map<?, ?> ctx = f.requiredMap(f.map(contexts.get(ctxIndex), "contexts[" + ctxIndex + "]"),
                "contexts[" + ctxIndex + "]", "context");
        String clusterName = f.requiredString(ctx, ctxField, "cluster");
        String userName = f.string(ctx, ctxField, "user");

        List<?> clusters = f.list(doc, "", "clusters");
        int ci = f.indexOf(clusters, "clusters", clusterName);
        String cPrefix = "clusters[" + ci + "]";
        Map<?, ?> cluster = f.requiredMap(f.map(clusters.get(ci), cPrefix), cPrefix, "cluster");
        cPrefix += ".cluster";
        URI server = server(f, cluster, cPrefix);
        boolean insecure = f.bool(cluster, cPrefix, "insecure-skip-tls-verify");
        String tlsServerName = emptyToNull(f.string(cluster, cPrefix, "tls-server-name"));
        if (f.string(cluster, cPrefix, "proxy-url") != null) {
            throw new KubeconfigException(path + ": " + cPrefix + ".proxy-url: not supported");
        }
        PemSource ca = f.pem(cluster, cPrefix, "certificate-authority");

        PemSource cert = null;
        PemSource key = null;
        String token = null;
        Path tokenFile = null;
        if (userName != null && !userName.isEmpty()) {
            List<?> users = f.list(doc, "", "users");
            int ui = f.indexOf(users, "users", userName);
            String uPrefix = "users[" + ui + "]";
            Map<?, ?> user = f.map(f.map(users.get(ui), uPrefix).get("user"), uPrefix + ".user");
            uPrefix += ".user";
            if (user != null) {
                for (String plugin : new String[] {"exec", "auth-provider"}) {
                    if (user.get(plugin) != null) {
                        throw new KubeconfigException(path + ": " + uPrefix + "." + plugin
                                + ": credential plugins are not supported; use a client certificate, token or tokenFile");
                    }
                }
                if (user.get("username") != null || user.get("password") != null) {
                    throw new KubeconfigException(path + ": " + uPrefix
                            + ".username: basic authentication is not supported by kube-apiserver any more");
                }
                cert = f.pem(user, uPrefix, "client-certificate");
                key = f.pem(user, uPrefix, "client-key");
                if ((cert == null) != (key == null)) {
                    String missing = cert == null ? "client-certificate" : "client-key";
                    throw new KubeconfigException(path + ": " + uPrefix + "." + missing + ": missing (needed with "
                            + (cert == null ? "client-key" : "client-certificate") + ")");
                }
                token = emptyToNull(f.string(user, uPrefix, "token"));
                String tf = emptyToNull(f.string(user, uPrefix, "tokenFile"));
                if (tf != null) {
                    tokenFile = f.readableFile(tf, uPrefix + ".tokenFile");
                }
            }
        }
        return new Kubeconfig(path, contextName, server, ca, insecure, tlsServerName, cert, key, token, tokenFile);
    }

    private static URI server(Fields f, Map<?, ?> cluster, String prefix) throws KubeconfigException {
        String s = f.requiredString(cluster, prefix, "server");
        try {
            URI uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                throw new KubeconfigException(f.path + ": " + prefix + ".server: not an https:// URL: " + s);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new KubeconfigException(f.path + ": " + prefix + ".server: not a URL: " + s);
        }
    }

    private static String position(Exception e) {
        if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            return " (line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1)
                    + ")";
        }
        return "";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Typed access to the YAML tree with errors that name the file and the field. */
    private static final class Fields {

        final Path path;

        Fields(Path path) {
            this.path = path;
        }

        private KubeconfigException error(String prefix, String key, String what) {
            return new KubeconfigException(path + ": " + join(prefix, key) + ": " + what);
        }

        private static String join(String prefix, String key) {
            return prefix.isEmpty() ? key : prefix + "." + key;
        }

        Map<?, ?> map(Object o, String field) throws KubeconfigException {
            if (o == null) {
                return null;
            }
            if (!(o instanceof Map<?, ?> m)) {
                throw new KubeconfigException(path + ": " + (field.isEmpty() ? "document" : field) + ": not a mapping");
            }
            return m;
        }

        Map<?, ?> requiredMap(Map<?, ?> parent, String prefix, String key) throws KubeconfigException {
            Map<?, ?> m = map(parent.get(key), join(prefix, key));
            if (m == null) {
                throw error(prefix, key, "missing");
            }
            return m;
        }

        List<?> list(Map<?, ?> parent, String prefix, String key) throws KubeconfigException {
            Object o = parent.get(key);
            if (o == null) {
                return List.of();
            }
            if (!(o instanceof List<?> l)) {
                throw error(prefix, key, "not a list");
            }
            return l;
        }

        String string(Map<?, ?> m, String prefix, String key) throws KubeconfigException {
            Object o = m.get(key);
            if (o == null) {
                return null;
            }
            if (o instanceof Map || o instanceof List) {
                throw error(prefix, key, "not a string");
            }
            return o.toString();
        }

        String requiredString(Map<?, ?> m, String prefix, String key) throws KubeconfigException {
            String s = string(m, prefix, key);
            if (s == null || s.isEmpty()) {
                throw error(prefix, key, "missing");
            }
            return s;
        }

        boolean bool(Map<?, ?> m, String prefix, String key) throws KubeconfigException {
            Object o = m.get(key);
            if (o == null) {
                return false;
            }
            if (o instanceof Boolean b) {
                return b;
            }
            if ("true".equals(o.toString()) || "false".equals(o.toString())) {
                return Boolean.parseBoolean(o.toString());
            }
            throw error(prefix, key, "not true or false");
        }

        int indexOf(List<?> entries, String listName, String name) throws KubeconfigException {
            for (int i = 0; i < entries.size(); i++) {
                Map<?, ?> e = map(entries.get(i), listName + "[" + i + "]");
                if (e != null && name.equals(String.valueOf(e.get("name")))) {
                    return i;
                }
            }
            throw new KubeconfigException(path + ": " + listName + ": no entry named \"" + name + "\"");
        }

        /** {@code <key>} (a path) or {@code <key>-data} (base64 of PEM); the data wins, as in kubectl. */
        PemSource pem(Map<?, ?> m, String prefix, String key) throws KubeconfigException {
            String data = string(m, prefix, key + "-data");
            if (data != null && !data.isBlank()) {
                byte[] decoded;
                try {
                    decoded = Base64.getDecoder().decode(data.replaceAll("\\s", ""));
                } catch (IllegalArgumentException e) {
                    throw error(prefix, key + "-data", "not valid base64");
                }
                String pem = new String(decoded, StandardCharsets.US_ASCII);
                if (!pem.contains("-----BEGIN ")) {
                    throw error(prefix, key + "-data", "not base64 of PEM (no -----BEGIN line)");
                }
                return new PemSource(null, pem, join(prefix, key + "-data"));
            }
            String file = string(m, prefix, key);
            if (file == null || file.isEmpty()) {
                return null;
            }
            return new PemSource(readableFile(file, join(prefix, key)), null, join(prefix, key));
        }

        /** Relative paths are relative to the kubeconfig's directory, as kubectl resolves them. */
        Path readableFile(String name, String field) throws KubeconfigException {
            Path p = Path.of(name);
            if (!p.isAbsolute()) {
                Path dir = path.getParent();
                p = dir == null ? p.toAbsolutePath() : dir.resolve(p);
            }
            p = p.normalize();
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new KubeconfigException(path + ": " + field + ": file " + p + " not readable");
            }
            return p;
        }
    }
}
