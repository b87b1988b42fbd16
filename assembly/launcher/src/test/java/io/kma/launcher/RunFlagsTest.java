package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RunFlagsTest {

    private static Map<String, Object> values(String... args) throws Exception {
        Map<String, Object> byKey = new java.util.LinkedHashMap<>();
        for (RunFlags.Override o : RunFlags.parse(List.of(args)).overrides()) {
            byKey.put(o.key(), o.value());
        }
        return byKey;
    }

    private static String usageError(String... args) {
        return assertThrows(Options.UsageException.class, () -> RunFlags.parse(List.of(args))).getMessage();
    }

    @Test
    void theOfficialManifestsCommandLineCarriesOver() throws Exception {
        Map<String, Object> v = values("--cert-dir=/tmp", "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname", "--kubelet-use-node-status-port",
                "--metric-resolution=15s");
        assertEquals(Map.of("server.certDir", "/tmp", "server.securePort", "10250",
                "kubelet.preferredAddressTypes", List.of("InternalIP", "ExternalIP", "Hostname"),
                "kubelet.useNodeStatusPort", "true", "metricResolution", "15s"), v);
    }

    @Test
    void bothSpellingsBooleansListsAndShortSelector() throws Exception {
        assertEquals("/k", values("--kubeconfig", "/k").get("kubeconfig"));
        assertEquals("/k", values("--kubeconfig=/k").get("kubeconfig"));
        assertEquals("false", values("--kubelet-insecure-tls=false").get("kubelet.insecureSkipTLSVerify"));
        assertEquals("true", values("--kubelet-insecure-tls=T").get("kubelet.insecureSkipTLSVerify"));
        assertEquals("true", values("--kubelet-insecure-tls").get("kubelet.insecureSkipTLSVerify"));
        assertEquals("a=b,c!=d", values("-l", "a=b,c!=d").get("nodeSelector"));
        assertEquals("a=b", values("-l=a=b").get("nodeSelector"));
        assertEquals("a=b", values("-la=b").get("nodeSelector"));
        assertEquals("x", values("--node-selector=y", "--node-selector", "x").get("nodeSelector"), "last wins");
        assertEquals(List.of("a", "b", "c"), values("--requestheader-allowed-names=a,b", "--requestheader-allowed-names", "c")
                .get("authentication.requestheaderAllowedNames"), "list flags append, as pflag's StringSlice");
        assertEquals(List.of(), values("--requestheader-allowed-names=").get("authentication.requestheaderAllowedNames"));
        assertEquals("", values("--requestheader-client-ca-file=").get("authentication.requestheaderClientCAFile"));
        RunFlags.Parsed p = RunFlags.parse(List.of("--config", "/c.yaml", "--secure-port", "4443"));
        assertEquals("/c.yaml", p.config());
        assertEquals(1, p.overrides().size());
        assertEquals(Map.of(), RunFlags.parse(List.of("--config=/c.yaml")).frameworkProperties());
    }

    @Test
    void upstreamsOutOfClusterFlagSetCarriesOver() throws Exception {
        Map<String, Object> v = values("--kubeconfig=/etc/ms/kubeconfig", "--authentication-kubeconfig=/etc/ms/kubeconfig",
                "--authorization-kubeconfig", "/etc/ms/kubeconfig", "--secure-port=4443", "--bind-address=192.0.2.10",
                "--tls-cert-file=/etc/ms/tls.crt", "--tls-private-key-file=/etc/ms/tls.key", "--tls-min-version=VersionTLS13",
                "--kubelet-use-node-status-port", "--kubelet-preferred-address-types=InternalIP",
                "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt", "--metric-resolution=15s",
                "--authentication-token-webhook-cache-ttl=30s", "--authorization-webhook-cache-authorized-ttl=1m",
                "--authorization-webhook-cache-unauthorized-ttl=5s", "--max-requests-inflight=100",
                "--request-timeout", "30s");
        assertEquals("/etc/ms/kubeconfig", v.get("kubeconfig"));
        assertEquals("100", v.get("server.maxRequestsInflight"));
        assertEquals("30s", v.get("server.requestTimeout"));
        assertEquals("VersionTLS13", v.get("server.tlsMinVersion"));
        assertEquals("30s", v.get("authentication.tokenCacheTTL"));
        assertEquals("1m", v.get("authorization.cacheAuthorizedTTL"));
        assertEquals("5s", v.get("authorization.cacheUnauthorizedTTL"));
        assertTrue(usageError("--kubeconfig=/a", "--authentication-kubeconfig=/b")
                .startsWith("--authentication-kubeconfig /b: kube-metrics-appliance uses one kubeconfig"));
        assertTrue(usageError("--authorization-kubeconfig=/b").contains("give the same file as --kubeconfig, or leave it out"));
    }

    @Test
    void clientCertificateFlagsSelectX509() throws Exception {
        Map<String, Object> v = values("--kubelet-client-certificate=/c.crt", "--kubelet-client-key=/c.key");
        assertEquals("x509", v.get("kubelet.auth"));
        assertTrue(!values("--kubelet-client-certificate=/c.crt").containsKey("kubelet.auth"));
    }

    @Test
    void usageErrors() {
        assertEquals("unknown argument --kubelet-insecure", usageError("--kubelet-insecure"));
        assertEquals("unknown argument extra", usageError("extra"));
        assertEquals("flag needs an argument: --kubelet-port", usageError("--kubelet-port"));
        assertEquals("--config needs a value", usageError("--config"));
        assertTrue(usageError("--kubelet-insecure-tls=yes").startsWith("invalid argument \"yes\" for \"--kubelet-insecure-tls\" flag"));
        // a boolean never takes the next argument, so "false" is a stray argument
        assertEquals("unknown argument false", usageError("--kubelet-insecure-tls", "false"));
    }

    @Test
    void unknownFlagsGiveUsageAndExitCode2AndHelpListsTheFlags() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--deprecated-kubelet-completely-insecure"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("kube-metrics-appliance: unknown argument --deprecated-kubelet-completely-insecure"), e);
        assertTrue(e.contains("Usage: kube-metrics-appliance"), e);
        for (String flag : RunFlags.FLAGS.keySet()) {
            assertTrue(Main.USAGE.contains(flag + " ") || Main.USAGE.contains(flag + "["), flag);
        }
    }

    @Test
    void jsonEscapesWhatYamlNeeds() {
        assertEquals("\"a\\\"b\\\\c\\u000a\\u0009é\"", RunFlags.quote("a\"b\\c\n\té"));
        assertEquals("[{\"flag\":\"--x\",\"key\":\"k\",\"value\":[\"a\",\"b\"]},{\"flag\":\"--y\",\"key\":\"j\",\"value\":\"v\"}]",
                RunFlags.json(List.of(new RunFlags.Override("--x", "k", List.of("a", "b")), new RunFlags.Override("--y", "j", "v"))));
    }
}
