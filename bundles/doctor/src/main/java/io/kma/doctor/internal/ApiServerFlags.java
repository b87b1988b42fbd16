package io.kma.doctor.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import io.kma.api.doctor.Finding;
import io.kma.shared.x509.SubjectNames;

/**
 * The aggregation-layer flags of kube-apiserver, read from its kubeadm static-pod manifest: without them
 * the APIService never becomes Available, or requests reach the appliance without a trustworthy identity.
 */
final class ApiServerFlags {

    static final Path KUBEADM_MANIFEST = Path.of("/etc/kubernetes/manifests/kube-apiserver.yaml");
    static final String CHECK = "kube-apiserver flags";

    /** Flags every aggregated API server needs, with kubeadm's values. */
    private static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("--requestheader-client-ca-file", "/etc/kubernetes/pki/front-proxy-ca.crt");
        REQUIRED.put("--requestheader-username-headers", "X-Remote-User");
        REQUIRED.put("--requestheader-group-headers", "X-Remote-Group");
        REQUIRED.put("--requestheader-extra-headers-prefix", "X-Remote-Extra-");
        REQUIRED.put("--proxy-client-cert-file", "/etc/kubernetes/pki/front-proxy-client.crt");
        REQUIRED.put("--proxy-client-key-file", "/etc/kubernetes/pki/front-proxy-client.key");
    }

    private ApiServerFlags() {
    }

    static List<Finding> check(Path manifest) {
        String text;
        try {
            text = Files.readString(manifest);
        } catch (NoSuchFileException e) {
            return List.of(Finding.skip(CHECK, manifest + " not found (not a kubeadm control-plane host): check by hand that "
                    + "kube-apiserver runs with --requestheader-client-ca-file, --requestheader-*-headers, "
                    + "--proxy-client-cert-file, --proxy-client-key-file and --enable-aggregator-routing=true"));
        } catch (AccessDeniedException e) {
            return List.of(Finding.warn(CHECK, manifest + " is not readable by this user",
                    "run doctor as root (sudo kube-metrics-appliance doctor) to check kube-apiserver's flags"));
        } catch (IOException e) {
            return List.of(Finding.warn(CHECK, "cannot read " + manifest + ": " + e.getMessage(),
                    "check the file, or kube-apiserver's flags by hand"));
        }
        Map<String, String> flags;
        try {
            flags = flags(text);
        } catch (YAMLException | IllegalArgumentException e) {
            return List.of(Finding.warn(CHECK, manifest + " is not a kube-apiserver pod manifest: "
                    + firstLine(e.getMessage()), "check kube-apiserver's flags by hand"));
        }
        List<Finding> findings = new ArrayList<>();
        String where = "in " + manifest + " (spec.containers[kube-apiserver].command; the kubelet restarts kube-apiserver when the file changes)";
        for (Map.Entry<String, String> r : REQUIRED.entrySet()) {
            String v = flags.get(r.getKey());
            if (v == null || v.isBlank()) {
                findings.add(Finding.fail("kube-apiserver " + r.getKey(), "not set: the aggregator cannot pass the "
                        + "caller's identity to the appliance", "add - " + r.getKey() + "=" + r.getValue() + " " + where));
            }
        }
        if (!"true".equalsIgnoreCase(flags.getOrDefault("--enable-aggregator-routing", "false"))) {
            findings.add(Finding.fail("kube-apiserver --enable-aggregator-routing", "not true: kube-apiserver dials the "
                    + "Service's cluster IP, which a selectorless Service on the control-plane hosts does not route",
                    "add - --enable-aggregator-routing=true " + where));
        }
        String allowed = flags.get("--requestheader-allowed-names");
        String proxyCert = flags.get("--proxy-client-cert-file");
        if (allowed != null && !allowed.isBlank() && proxyCert != null && !proxyCert.isBlank()) {
            Finding names = allowedNames(allowed, Path.of(proxyCert), where);
            if (names != null) {
                findings.add(names);
            }
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok(CHECK, manifest + ": requestheader-*, proxy-client-* and "
                    + "enable-aggregator-routing=true are set"));
        }
        return findings;
    }

    /** A FAIL when the front-proxy client certificate's CN is not an allowed name; a WARN when it cannot be read. */
    private static Finding allowedNames(String allowed, Path proxyCert, String where) {
        String cn;
        try (InputStream in = Files.newInputStream(proxyCert)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            cn = SubjectNames.commonName(cert).orElse("");
        } catch (IOException | CertificateException e) {
            return Finding.warn("kube-apiserver --requestheader-allowed-names", "cannot read " + proxyCert
                    + " to compare its CN with the allowed names: " + firstLine(e.getMessage()),
                    "run doctor as root, or compare them by hand");
        }
        for (String name : allowed.split(",")) {
            if (name.trim().equals(cn)) {
                return null;
            }
        }
        return Finding.fail("kube-apiserver --requestheader-allowed-names", "\"" + allowed + "\" does not include \""
                + cn + "\", the CN of " + proxyCert + ": kube-apiserver rejects its own front proxy",
                "add " + cn + " to --requestheader-allowed-names " + where);
    }

    /** The flags of the kube-apiserver container: command and args, {@code --name=value} or {@code --name value}. */
    static Map<String, String> flags(String manifestYaml) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(manifestYaml);
        if (!(root instanceof Map<?, ?> pod) || !(pod.get("spec") instanceof Map<?, ?> spec)
                || !(spec.get("containers") instanceof List<?> containers) || containers.isEmpty()) {
            throw new IllegalArgumentException("no spec.containers");
        }
        Map<?, ?> container = null;
        for (Object c : containers) {
            if (c instanceof Map<?, ?> m && (container == null || "kube-apiserver".equals(m.get("name")))) {
                container = m;
            }
        }
        if (container == null) {
            throw new IllegalArgumentException("no container");
        }
        List<String> words = new ArrayList<>();
        for (String key : List.of("command", "args")) {
            if (container.get(key) instanceof List<?> list) {
                list.forEach(w -> words.add(String.valueOf(w)));
            }
        }
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--")) {
                continue;
            }
            int eq = w.indexOf('=');
            if (eq > 0) {
                flags.put(w.substring(0, eq), w.substring(eq + 1));
            } else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                flags.put(w, words.get(++i));
            } else {
                flags.put(w, "true");
            }
        }
        return flags;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
