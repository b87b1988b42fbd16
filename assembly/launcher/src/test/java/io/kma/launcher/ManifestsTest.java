package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ManifestsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int main(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<Map<String, Object>> documents() {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out.toString(StandardCharsets.UTF_8))) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) doc;
                docs.add(map);
            }
        }
        return docs;
    }

    private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @Test
    void printsEveryObjectTheAggregatorNeeds() {
        assertEquals(0, main("manifests", "--advertise-address", "192.0.2.10,192.0.2.11", "--port=4443"), err.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        List<Map<String, Object>> docs = documents();
        assertEquals(List.of("APIService", "Service", "Endpoints", "ClusterRole", "ClusterRoleBinding",
                "ClusterRoleBinding", "RoleBinding", "ClusterRole"), docs.stream().map(d -> d.get("kind")).toList(),
                "a static install (no --hosts) gets no self-registration Role");

        Map<String, Object> apiService = find(docs, "APIService", "v1beta1.metrics.k8s.io");
        assertEquals("apiregistration.k8s.io/v1", apiService.get("apiVersion"));
        Map<String, Object> spec = map(apiService, "spec");
        assertEquals("metrics.k8s.io", spec.get("group"));
        assertEquals("v1beta1", spec.get("version"));
        assertEquals(100, spec.get("groupPriorityMinimum"));
        assertEquals(100, spec.get("versionPriority"));
        assertEquals(true, spec.get("insecureSkipTLSVerify"));
        assertNull(spec.get("caBundle"));
        assertEquals(Map.of("name", "metrics-server", "namespace", "kube-system", "port", 443), spec.get("service"));

        Map<String, Object> service = find(docs, "Service", "metrics-server");
        assertEquals("kube-system", map(service, "metadata").get("namespace"));
        assertFalse(map(service, "spec").containsKey("selector"));
        assertEquals(List.of(Map.of("name", "https", "port", 443, "protocol", "TCP", "targetPort", 4443, "appProtocol", "https")),
                list(map(service, "spec"), "ports"));

        Map<String, Object> endpoints = find(docs, "Endpoints", "metrics-server");
        // no skip-mirror and no slices of our own: kube-controller-manager mirrors them in the version the cluster serves
        assertFalse(map(map(endpoints, "metadata"), "labels").containsKey("endpointslice.kubernetes.io/skip-mirror"));
        Map<String, Object> subset = list(endpoints, "subsets").get(0);
        assertEquals(List.of(Map.of("ip", "192.0.2.10"), Map.of("ip", "192.0.2.11")), subset.get("addresses"));
        assertEquals(List.of(Map.of("name", "https", "port", 4443, "protocol", "TCP")), subset.get("ports"));

        Map<String, Object> role = find(docs, "ClusterRole", "system:kube-metrics-appliance");
        assertEquals(List.of(Map.of("apiGroups", List.of(""), "resources", List.of("nodes/metrics"), "verbs", List.of("get")),
                Map.of("apiGroups", List.of(""), "resources", List.of("pods", "nodes", "namespaces"), "verbs", List.of("get", "list", "watch")),
                Map.of("apiGroups", List.of("apiregistration.k8s.io"), "resources", List.of("apiservices"),
                        "resourceNames", List.of("v1beta1.metrics.k8s.io"), "verbs", List.of("get"))),
                role.get("rules"));
        Map<String, Object> user = Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "User", "name", "system:kube-metrics-appliance");
        Map<String, Object> binding = find(docs, "ClusterRoleBinding", "system:kube-metrics-appliance");
        assertEquals("system:kube-metrics-appliance", map(binding, "roleRef").get("name"));
        assertEquals(List.of(user), binding.get("subjects"));
        Map<String, Object> delegator = find(docs, "ClusterRoleBinding", "kube-metrics-appliance:system:auth-delegator");
        assertEquals("system:auth-delegator", map(delegator, "roleRef").get("name"));
        assertEquals(List.of(user), delegator.get("subjects"));
        Map<String, Object> reader = find(docs, "RoleBinding", "kube-metrics-appliance-auth-reader");
        assertEquals("kube-system", map(reader, "metadata").get("namespace"));
        assertEquals(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", "extension-apiserver-authentication-reader"),
                reader.get("roleRef"));
        assertEquals(List.of(user), reader.get("subjects"));
        Map<String, Object> aggregated = find(docs, "ClusterRole", "system:aggregated-metrics-reader");
        Map<String, Object> labels = map(map(aggregated, "metadata"), "labels");
        for (String verb : new String[] {"view", "edit", "admin"}) {
            assertEquals("true", labels.get("rbac.authorization.k8s.io/aggregate-to-" + verb));
        }
        assertEquals(List.of(Map.of("apiGroups", List.of("metrics.k8s.io"), "resources", List.of("pods", "nodes"),
                "verbs", List.of("get", "list", "watch"))), aggregated.get("rules"));

        assertTrue(text.contains("# kube-metrics-appliance "), text);
        assertTrue(text.contains("sudo kube-metrics-appliance identity --approve"), text);
        assertTrue(!text.contains("system:masters") && !text.contains("cluster-admin"), "no administrator binding: " + text);
        for (String flag : new String[] {"--requestheader-client-ca-file=", "--requestheader-allowed-names=front-proxy-client",
                "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-", "--proxy-client-cert-file=",
                "--proxy-client-key-file=", "--enable-aggregator-routing=true"}) {
            assertTrue(text.contains("#      " + flag), flag);
        }
    }

    @Test
    void withoutAddressesTheAppliancesRegisterThemselvesWithNarrowedRbac() {
        assertEquals(0, main("manifests", "--hosts", "cp-1,cp-2"), err.toString());
        List<Map<String, Object>> docs = documents();
        assertEquals(List.of("APIService", "Service", "ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding", "RoleBinding",
                "ClusterRole", "Role", "RoleBinding"), docs.stream().map(d -> d.get("kind")).toList(), "no static Endpoints");
        Map<String, Object> role = find(docs, "Role", "kube-metrics-appliance-registration");
        assertEquals("kube-system", map(role, "metadata").get("namespace"));
        assertEquals(List.of(
                Map.of("apiGroups", List.of(""), "resources", List.of("endpoints"), "resourceNames", List.of("metrics-server"),
                        "verbs", List.of("get", "update")),
                Map.of("apiGroups", List.of(""), "resources", List.of("endpoints"), "verbs", List.of("create")),
                Map.of("apiGroups", List.of("discovery.k8s.io"), "resources", List.of("endpointslices"), "verbs", List.of("create", "list")),
                Map.of("apiGroups", List.of("discovery.k8s.io"), "resources", List.of("endpointslices"),
                        "resourceNames", List.of("metrics-server-kma-cp-1", "metrics-server-kma-cp-2"), "verbs", List.of("get", "update", "delete")),
                Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"), "verbs", List.of("create", "list")),
                Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
                        "resourceNames", List.of("kube-metrics-appliance-cp-1", "kube-metrics-appliance-cp-2"),
                        "verbs", List.of("get", "update", "delete"))), role.get("rules"));
        Map<String, Object> binding = find(docs, "RoleBinding", "kube-metrics-appliance-registration");
        assertEquals(List.of(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "User", "name", "system:kube-metrics-appliance")),
                binding.get("subjects"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("manifests --port 4443 --hosts cp-1,cp-2 | kubectl apply -f -"), text);
        assertTrue(text.contains("Each appliance registers itself"), text);

        out.reset();
        assertEquals(2, main("manifests"), "without --hosts the Role would cover every Lease in kube-system");
        assertTrue(err.toString().contains("--hosts NAME,... is required"), err.toString());
        assertTrue(err.toString().contains("--advertise-address IP,... instead"), err.toString());
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing half-printed");
    }

    @Test
    void caBundleReplacesInsecureSkipTLSVerifyAndIPv6IsListed(@TempDir Path dir) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        Path ca = Files.writeString(dir.resolve("ca.crt"), pem);
        assertEquals(0, main("manifests", "--advertise-address=2001:db8::10,192.0.2.10", "--port", "10443", "--ca-bundle", ca.toString()),
                err.toString());
        List<Map<String, Object>> docs = documents();
        Map<String, Object> spec = map(find(docs, "APIService", "v1beta1.metrics.k8s.io"), "spec");
        assertEquals(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)), spec.get("caBundle"));
        assertFalse(spec.containsKey("insecureSkipTLSVerify"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("SAN\n# DNS:metrics-server.kube-system.svc"));
        assertEquals(List.of(Map.of("ip", "2001:db8::10"), Map.of("ip", "192.0.2.10")),
                list(find(docs, "Endpoints", "metrics-server"), "subsets").get(0).get("addresses"));
        assertTrue(docs.stream().noneMatch(d -> "EndpointSlice".equals(d.get("kind"))), "slices are mirrored, not printed");
        assertEquals(10443, list(map(find(docs, "Service", "metrics-server"), "spec"), "ports").get(0).get("targetPort"));
    }

    @Test
    void loopbackAndOtherRefusedAddressesAreUsageErrors() {
        assertEquals(2, main("manifests", "--advertise-address", "192.0.2.10,127.0.0.1"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("kube-metrics-appliance: --advertise-address: 127.0.0.1 is a loopback address, which "
                + "kube-apiserver refuses in Endpoints"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing half-printed");
        for (String bad : new String[] {"::1", "0.0.0.0", "169.254.1.1", "fe80::1", "master-1", "192.0.2.256", "192.0.2.10,,192.0.2.11",
                "192.0.2.10,192.0.2.10"}) {
            err.reset();
            assertEquals(2, main("manifests", "--advertise-address", bad), bad);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kube-metrics-appliance: --advertise-address"), err.toString());
        }
        err.reset();
        assertEquals(2, main("manifests", "--hosts", "Master-1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kube-metrics-appliance: --hosts: \"Master-1\" is not a host name"), err.toString());
        assertEquals(2, main("manifests", "--advertise-address", "192.0.2.10", "--port", "70000"));
        assertEquals(2, main("manifests", "--advertise-address", "192.0.2.10", "--selector", "x"));
    }

    @Test
    void unreadableCaBundleIsExitCode1(@TempDir Path dir) throws Exception {
        assertEquals(1, main("manifests", "--advertise-address", "192.0.2.10", "--ca-bundle", dir.resolve("none.crt").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("none.crt: cannot read: no such file"), err.toString());
        Path notPem = Files.writeString(dir.resolve("x.crt"), "hello");
        err.reset();
        assertEquals(1, main("manifests", "--advertise-address", "192.0.2.10", "--ca-bundle", notPem.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a PEM certificate"), err.toString());
    }
}
