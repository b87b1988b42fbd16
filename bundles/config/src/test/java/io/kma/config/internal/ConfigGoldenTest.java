package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Configuration errors and PID properties word for word as the parser printed them before its rules moved into
 * {@link ConfigSchema} (config-golden.txt was written by the old parser): a rule's message cannot change unnoticed.
 */
class ConfigGoldenTest {

    /** {overrides JSON, config.yaml} */
    static final String[][] CASES = {
        {"", "server:\n  securePort: 0\n"},
        {"", "server:\n  securePort: abc\n"},
        {"", "server:\n  securePort: [1]\n"},
        {"", "server:\n  bindAddress: 300.1.1.1\n"},
        {"", "server:\n  bindAddress: {a: b}\n"},
        {"", "server:\n  tlsMinVersion: versiontls13\n"},
        {"", "server:\n  tlsMinVersion: TLS1.3\n"},
        {"", "server:\n  maxRequestsInflight: -1\n"},
        {"", "server:\n  maxConnections: 99999999999\n"},
        {"", "server: 5\n"},
        {"", "server:\n  - a\n"},
        {"", "kubelet:\n  useNodeStatusPort: yes\n"},
        {"", "kubelet:\n  maxResponseBytes: 0\n"},
        {"", "kubelet:\n  maxResponseBytes: lots\n"},
        {"", "kubelet:\n  requestTimeout: -5s\n"},
        {"", "kubelet:\n  preferredAddressTypes: [InternalIP, Bogus]\n"},
        {"", "kubelet:\n  preferredAddressTypes: []\n"},
        {"", "kubelet:\n  preferredAddressTypes: InternalIP\n"},
        {"", "kubelet:\n  preferredAddressTypes: [\"\", x]\n"},
        {"", "kubelet:\n  preferredAddressTypes: [[a]]\n"},
        {"", "kubelet:\n  hosts: [a]\n"},
        {"", "kubelet:\n  hosts: {a: }\n"},
        {"", "kubelet:\n  hosts: {a: 1, a: 2}\n"},
        {"", "kubelet:\n  addressResolver: hosts\n"},
        {"", "kubelet:\n  auth: x509\n"},
        {"", "kubelet:\n  auth: token\n"},
        {"", "kubelet:\n  auth: Token\n"},
        {"", "kubelet:\n  pinDirectory: relative/dir\n"},
        {"", "kubelet:\n  pinDirectory: \"\"\n"},
        {"", "kubelet:\n  requestTimeout: 14s\n"},
        {"", "metricResolution: 10s\nkubelet:\n  requestTimeout: 10s\n"},
        {"", "metricResolution: 2s\n"},
        {"", "kubelet:\n  requestTimeout: 0s\n"},
        {"", "server:\n  tlsCertFile: /a\n"},
        {"", "server:\n  tlsPrivateKeyFile: /a\n"},
        {"", "authorization:\n  alwaysAllowPaths: [healthz]\n"},
        {"", "registration:\n  advertiseAddress: 127.0.0.1\n"},
        {"", "registration:\n  advertiseAddress: 127.0.0.1\n  allowLoopback: true\n"},
        {"", "registration:\n  advertiseAddress: example.com\n"},
        {"", "registration:\n  advertiseAddress: 0.0.0.0\n"},
        {"", "registration:\n  advertiseAddress: fe80::1\n"},
        {"", "registration:\n  service: metrics-server\n"},
        {"", "registration:\n  service: Kube-System/x\n"},
        {"", "registration:\n  leaseNamespace: Kube_System\n"},
        {"", "registration:\n  leaseDurationSeconds: 10\n"},
        {"", "registration:\n  renewIntervalSeconds: 30\n"},
        {"", "kubelet:\n  requestTimout: 5s\n"},
        {"", "metricsResolution: 15s\n"},
        {"", "port: 10250\n"},
        {"", "Kubelet: {}\n"},
        {"", "serve:\n  a: 1\n"},
        {"", "zzzzzz: 1\n"},
        {"", "kubelet:\n  port: 1\n  port: 2\n"},
        {"", "? [a]\n: 1\n"},
        {"", "kubelet:\n  ? [a]\n  : 1\n"},
        {"", "- a\n- b\n"},
        {"", "a: [\n"},
        {"", "a: *x\n"},
        {"", "kubeconfig: [a]\n"},
        {"", "nodeSelector: {a: b}\n"},
        {"", "server:\n  securePort: 1\n  bindAddress: x\nkubelet:\n  port: 0\n  bad: 1\n"},
        {"[{\"flag\": \"--kubelet-port\", \"key\": \"kubelet.port\", \"value\": \"0\"}]", ""},
        {"[{\"flag\": \"--kubelet-port\", \"key\": \"kubelet.port\", \"value\": null}]", ""},
        {"[{\"flag\": \"--kubelet-request-timeout\", \"key\": \"kubelet.requestTimeout\", \"value\": \"14s\"}]", ""},
        {"[{\"flag\": \"--metric-resolution\", \"key\": \"metricResolution\", \"value\": \"10s\"}]", "kubelet:\n  requestTimeout: 10s\n"},
        {"[{\"flag\": \"--metric-resolution\", \"key\": \"metricResolution\", \"value\": \"10s\"}]", ""},
        {"[{\"flag\": \"--kubelet-certificate-authority\", \"key\": \"kubelet.certificateAuthority\", \"value\": \"/ca\"}, {\"flag\": \"--kubelet-insecure-tls\", \"key\": \"kubelet.insecureSkipTLSVerify\", \"value\": \"true\"}]", ""},
        {"[{\"flag\": \"--kubelet-client-key\", \"key\": \"kubelet.clientKey\", \"value\": \"/k\"}]", ""},
        {"[{\"flag\": \"--kubelet-preferred-address-types\", \"key\": \"kubelet.preferredAddressTypes\", \"value\": [\"Foo\"]}]", ""},
        {"[{\"flag\": \"--kubelet-preferred-address-types\", \"key\": \"kubelet.preferredAddressTypes\", \"value\": \"InternalIP\"}]", ""},
        {"[{\"flag\": \"--secure-port\", \"key\": \"server.securePort\", \"value\": \"x\"}]", ""},
        {"[{\"flag\": \"--bind-address\", \"key\": \"server.bindAddress\", \"value\": \"nope\"}]", ""},
        {"[{\"flag\": \"--tls-min-version\", \"key\": \"server.tlsMinVersion\", \"value\": \"versiontls12\"}]", ""},
        {"[{\"flag\": \"--advertise-address\", \"key\": \"registration.advertiseAddress\", \"value\": \"127.0.0.1\"}]", ""},
    };

    static String run(String overrides, String yaml) {
        try {
            Settings s = ConfigParser.parse("config.yaml", yaml, Overrides.parse(overrides));
            return "OK " + s.equals(Settings.defaults());
        } catch (InvalidConfigException e) {
            return "ERR " + String.join(" | ", e.errors());
        }
    }

    /** Configurations whose PIDs are compared property by property. */
    static final String[] PID_CASES = {
        "",
        "kubelet:\n  addressResolver: hosts\n  hosts: {node-1: 192.0.2.21, node-2: 192.0.2.22}\n  auth: token\n"
                + "  tokenFile: /run/t\n  preferredAddressTypes: [InternalIP]\nmetricResolution: 30s\n",
        "kubelet:\n  auth: x509\n  clientCertificate: /c\n  clientKey: /k\nauthorization:\n  mode: AlwaysAllow\n"
                + "  alwaysAllowPaths: [/x]\nauthentication:\n  requestheaderAllowedNames: []\nserver:\n  bindAddress: '::'\n",
    };

    static List<String> pids(String yaml) throws InvalidConfigException {
        List<String> out = new ArrayList<>();
        new TreeMap<>(PidMapping.toPids(ConfigParser.parse("config.yaml", yaml))).forEach((pid, properties) ->
                new TreeMap<>(properties).forEach((name, value) -> out.add(pid + " " + name + " = "
                        + (value instanceof String[] a ? Arrays.toString(a) : value.getClass().getSimpleName() + " " + value))));
        return out;
    }

    static List<String> actual() throws InvalidConfigException {
        List<String> out = new ArrayList<>();
        for (String[] c : CASES) {
            out.add(run(c[0], c[1]));
        }
        for (String yaml : PID_CASES) {
            out.addAll(pids(yaml));
        }
        return out;
    }

    @Test
    void errorsAndPidsAreWordForWordAsBefore() throws Exception {
        String dump = System.getProperty("golden.dump");
        if (dump != null) {
            Files.write(Path.of(dump), actual());
        }
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/config-golden.txt"));
        List<String> actual = actual();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            assertEquals(i < expected.size() ? expected.get(i) : null, i < actual.size() ? actual.get(i) : null,
                    "line " + (i + 1) + (i < CASES.length ? " for " + Arrays.toString(CASES[i]) : ""));
        }
    }
}
