package io.kma.doctor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.doctor.Finding;
import io.kma.api.doctor.Finding.Verdict;

class ApiServerFlagsTest {

    @TempDir
    Path dir;

    /** kubeadm's manifest, shortened; {@code extra} lines are added to the command. */
    private Path manifest(String... extra) throws Exception {
        StringBuilder sb = new StringBuilder("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: kube-apiserver
                  namespace: kube-system
                spec:
                  containers:
                  - command:
                    - kube-apiserver
                    - --advertise-address=10.0.0.10
                    - --client-ca-file=/etc/kubernetes/pki/ca.crt
                """);
        for (String e : extra) {
            sb.append("    - ").append(e).append('\n');
        }
        sb.append("""
                    image: registry.k8s.io/kube-apiserver:v1.31.0
                    name: kube-apiserver
                """);
        Path p = dir.resolve("kube-apiserver.yaml");
        Files.writeString(p, sb.toString());
        return p;
    }

    private static final String[] KUBEADM = {
        "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
        "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
        "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
    };

    @Test
    void kubeadmDefaultsLackOnlyAggregatorRouting() throws Exception {
        List<Finding> f = ApiServerFlags.check(manifest(KUBEADM));
        assertEquals(1, f.size(), f.toString());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertEquals("kube-apiserver --enable-aggregator-routing", f.get(0).check());
        assertTrue(f.get(0).fix().startsWith("add - --enable-aggregator-routing=true in "), f.get(0).fix());
    }

    @Test
    void completeFlagsPass() throws Exception {
        String[] all = java.util.Arrays.copyOf(KUBEADM, KUBEADM.length + 1);
        all[KUBEADM.length] = "--enable-aggregator-routing=true";
        List<Finding> f = ApiServerFlags.check(manifest(all));
        assertEquals(List.of(Verdict.OK), f.stream().map(Finding::verdict).collect(Collectors.toList()), f.toString());
    }

    @Test
    void eachMissingFlagIsOneFailWithKubeadmsValue() throws Exception {
        List<Finding> f = ApiServerFlags.check(manifest("--enable-aggregator-routing=true",
                "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt"));
        assertEquals(5, f.size(), f.toString());
        assertTrue(f.stream().allMatch(x -> x.verdict() == Verdict.FAIL));
        Finding proxy = f.stream().filter(x -> x.check().equals("kube-apiserver --proxy-client-cert-file")).findFirst()
                .orElseThrow();
        assertTrue(proxy.fix().contains("--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt"), proxy.fix());
    }

    @Test
    void flagsMayBeSplitOverTwoWordsOrGivenAsArgs() {
        var flags = ApiServerFlags.flags("""
                spec:
                  containers:
                  - name: sidecar
                    command: [sleep, --enable-aggregator-routing=false]
                  - name: kube-apiserver
                    command: [kube-apiserver]
                    args: ["--enable-aggregator-routing", "true", "--profiling"]
                """);
        assertEquals("true", flags.get("--enable-aggregator-routing"));
        assertEquals("true", flags.get("--profiling"));
    }

    @Test
    void missingManifestIsSkippedUnreadableOrForeignWarns() throws Exception {
        List<Finding> missing = ApiServerFlags.check(dir.resolve("none.yaml"));
        assertEquals(Verdict.SKIP, missing.get(0).verdict());
        assertTrue(missing.get(0).detail().contains("--enable-aggregator-routing=true"), missing.get(0).detail());
        Path foreign = dir.resolve("foreign.yaml");
        Files.writeString(foreign, "just: text\n");
        assertEquals(Verdict.WARN, ApiServerFlags.check(foreign).get(0).verdict());
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "spec: [\n");
        assertEquals(Verdict.WARN, ApiServerFlags.check(broken).get(0).verdict());
    }

    @Test
    void allowedNamesMustIncludeTheFrontProxyCertificatesCn() throws Exception {
        Path cert = dir.resolve("front-proxy-client.crt");
        Files.writeString(cert, FRONT_PROXY_CLIENT_PEM);
        String[] flags = {"--enable-aggregator-routing=true",
            "--requestheader-client-ca-file=/x/ca.crt", "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group", "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--proxy-client-cert-file=" + cert, "--proxy-client-key-file=/x/k.key",
            "--requestheader-allowed-names=aggregator"};
        List<Finding> f = ApiServerFlags.check(manifest(flags));
        assertEquals(1, f.size(), f.toString());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertTrue(f.get(0).detail().contains("\"front-proxy-client\""), f.get(0).detail());
        flags[flags.length - 1] = "--requestheader-allowed-names=aggregator,front-proxy-client";
        assertEquals(Verdict.OK, ApiServerFlags.check(manifest(flags)).get(0).verdict());
    }

    /** A self-signed certificate with CN=front-proxy-client (openssl req -x509 -newkey ec -subj /CN=front-proxy-client). */
    static final String FRONT_PROXY_CLIENT_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBkDCCATegAwIBAgIUDvCi+zo13uVY/gxS6Q8hGe1Ni+kwCgYIKoZIzj0EAwIw
            HTEbMBkGA1UEAwwSZnJvbnQtcHJveHktY2xpZW50MCAXDTI2MTEyNTE3MTM1MFoY
            DzIxMjYxMTAxMTcxMzUwWjAdMRswGQYDVQQDDBJmcm9udC1wcm94eS1jbGllbnQw
            WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATcC0XfNrmC8rY04Auk+77kcf0DYsnx
            9yIUQ17hrvZalvQbU/JApHJrtXnGwpT8WJd3Fbexeg8qMPQZYVrbF/Hlo1MwUTAd
            BgNVHQ4EFgQUZTgtZ0PNV8wqO8oKg+WDkCzfcbIwHwYDVR0jBBgwFoAUZTgtZ0PN
            V8wqO8oKg+WDkCzfcbIwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE
            AiBxaodembZdJnmSPrzL3ytA2IdWgc7ahz8RPdAs/I4x2QIgZV59MYjksrQGAmnv
            CWPjJ8iDmCNaFWU6X0AMKXLoPnE=
            -----END CERTIFICATE-----
            """;
}
