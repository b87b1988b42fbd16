package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigParserTest {

    private static Settings parse(String yaml) throws InvalidConfigException {
        return ConfigParser.parse("config.yaml", yaml);
    }

    private static String error(String yaml) {
        return assertThrows(InvalidConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void shippedConfigYamlParsesToTheDefaults() throws Exception {
        Path shipped = Path.of("../../config/config.yaml");
        assertTrue(Files.exists(shipped), "the documented config.yaml is at " + shipped.toAbsolutePath());
        Settings settings = parse(Files.readString(shipped));
        assertEquals(Settings.defaults(), settings);
    }

    @Test
    void emptyAndCommentOnlyFilesMeanDefaults() throws Exception {
        assertEquals(Settings.defaults(), parse(""));
        assertEquals(Settings.defaults(), parse("# nothing here\n"));
    }

    @Test
    void valuesAreConverted() throws Exception {
        Settings s = parse("""
                metricResolution: 1m30s
                server:
                  securePort: 10443
                kubelet:
                  requestTimeout: 500ms
                  maxResponseBytes: 512Ki
                  useNodeStatusPort: false
                  preferredAddressTypes: [InternalIP]
                  hosts: {node-1: 192.0.2.21}
                  addressResolver: hosts
                """);
        assertEquals(90_000L, s.number("metricResolution"));
        assertEquals(10443, s.integer("server.securePort"));
        assertEquals(500L, s.number("kubelet.requestTimeout"));
        assertEquals(512L * 1024, s.number("kubelet.maxResponseBytes"));
        assertEquals(false, s.bool("kubelet.useNodeStatusPort"));
        assertEquals(List.of("InternalIP"), s.list("kubelet.preferredAddressTypes"));
        assertEquals(Map.of("node-1", "192.0.2.21"), s.map("kubelet.hosts"));
        assertEquals("hosts", s.string("kubelet.addressResolver"));
        assertEquals(10_000L, s.number("authorization.cacheAuthorizedTTL"), "untouched keys keep defaults");
    }

    @Test
    void badDurationNamesLineKeyAndExamples() {
        String yaml = "metricResolution: 15s\nkubelet:\n  port: 10250\n  requestTimeout: 10x\n";
        assertEquals("config.yaml:4: kubelet.requestTimeout: \"10x\" is not a duration (examples: 10s, 1m30s)", error(yaml));
    }

    @Test
    void unknownKeySuggestsTheClosestOne() {
        assertEquals("config.yaml:2: kubelet.requestTimout: unknown key (did you mean requestTimeout?)",
                error("kubelet:\n  requestTimout: 5s\n"));
        assertEquals("config.yaml:1: metricsResolution: unknown key (did you mean metricResolution?)",
                error("metricsResolution: 15s\n"));
        assertEquals("config.yaml:1: port: unknown key (did you mean kubelet.port?)", error("port: 10250\n"));
        assertEquals("config.yaml:1: zzzzzz: unknown key", error("zzzzzz: 1\n"));
    }

    @Test
    void typesAndEnumsAndPortsAreChecked() {
        assertEquals("config.yaml:2: server.securePort: \"70000\" is not a port (1-65535)",
                error("server:\n  securePort: 70000\n"));
        assertEquals("config.yaml:2: server.tlsMinVersion: \"VersionTLS11\" is not one of VersionTLS12, VersionTLS13",
                error("server:\n  tlsMinVersion: VersionTLS11\n"));
        assertEquals("config.yaml:1: authorization.mode: \"webhook\" is not one of Webhook, AlwaysAllow (did you mean Webhook?)",
                error("authorization: {mode: webhook}\n"));
        assertEquals("config.yaml:2: kubelet.useNodeStatusPort: \"yes\" is not a boolean (true or false)",
                error("kubelet:\n  useNodeStatusPort: yes\n"));
        assertEquals("config.yaml:2: kubelet.maxResponseBytes: \"16MB\" is not a size (examples: 16Mi, 512Ki, 1Gi)",
                error("kubelet:\n  maxResponseBytes: 16MB\n"));
        assertEquals("config.yaml:2: kubelet.preferredAddressTypes: must be a list (example: [a, b]), not \"InternalIP\"",
                error("kubelet:\n  preferredAddressTypes: InternalIP\n"));
        assertEquals("config.yaml:2: kubelet.preferredAddressTypes: \"Internal\" is not an address type (one of Hostname, InternalDNS, InternalIP, ExternalDNS, ExternalIP)",
                error("kubelet:\n  preferredAddressTypes: [Internal]\n"));
        assertEquals("config.yaml:1: server: must be a mapping of keys, not \"4443\"", error("server: 4443\n"));
        assertEquals("config.yaml:2: server.bindAddress: \"localhost\" is not an IP address (examples: 0.0.0.0, 192.0.2.10, ::)",
                error("server:\n  bindAddress: localhost\n"));
    }

    @Test
    void resolutionAndTimeoutFollowUpstreamRule() throws Exception {
        assertEquals("config.yaml:1: metricResolution: 2s is below the minimum of 5s", error("metricResolution: 2s\n"));
        assertEquals("config.yaml:3: kubelet.requestTimeout: kubelet.requestTimeout 14s must be at most 9/10 of metricResolution 15s (13.5s)",
                error("metricResolution: 15s\nkubelet:\n  requestTimeout: 14s\n"));
        assertEquals("config.yaml:1: metricResolution: kubelet.requestTimeout 10s must be at most 9/10 of metricResolution 10s (9s)",
                error("metricResolution: 10s\n"));
        assertEquals("config.yaml:2: kubelet.requestTimeout: must be positive", error("kubelet:\n  requestTimeout: 0s\n"));
        assertEquals(13_500L, parse("kubelet:\n  requestTimeout: 13.5s\n").number("kubelet.requestTimeout"));
    }

    @Test
    void dependentKeysAreChecked() {
        assertTrue(error("kubelet:\n  auth: token\n").startsWith("config.yaml:2: kubelet.auth: kubelet.tokenFile must be set"));
        assertTrue(error("kubelet:\n  addressResolver: hosts\n").startsWith("config.yaml:2: kubelet.addressResolver: kubelet.hosts must list"));
        assertTrue(error("server:\n  tlsCertFile: /x.crt\n").startsWith("config.yaml:2: server.tlsCertFile: server.tlsPrivateKeyFile must be set too"));
        assertEquals("config.yaml:2: kubelet.pinDirectory: \"pins\" must be an absolute path when kubelet.tlsVerification is"
                + " caOrPin (self-signed kubelet certificates are pinned there)", error("kubelet:\n  pinDirectory: pins\n"));
        assertEquals("config.yaml:2: kubelet.tlsVerification: \"pin\" is not one of caOrPin, ca",
                error("kubelet:\n  tlsVerification: pin\n"));
    }

    @Test
    void registrationKeysAreChecked() throws Exception {
        assertTrue(error("registration:\n  advertiseAddress: 127.0.0.1\n").contains(
                "registration.advertiseAddress: 127.0.0.1 is a loopback address, which kube-apiserver refuses in Endpoints"));
        assertTrue(error("registration:\n  advertiseAddress: host-1\n").contains("\"host-1\" is not an IP address"));
        assertTrue(error("registration:\n  service: metrics-server\n").contains("registration.service: \"metrics-server\" must be NAMESPACE/NAME"));
        assertTrue(error("registration:\n  renewIntervalSeconds: 30\n").contains(
                "registration.renewIntervalSeconds: 30 must be less than registration.leaseDurationSeconds 30"));
        assertEquals("127.0.0.7", parse("registration:\n  advertiseAddress: 127.0.0.7\n  allowLoopback: true\n")
                .string("registration.advertiseAddress"));
        assertEquals(2_500L, parse("server:\n  shutdownDelay: 2.5s\n").number("server.shutdownDelay"));
    }

    @Test
    void syntaxErrorsAndDuplicatesNameTheLine() {
        assertTrue(error("server:\n  securePort: [1\n").startsWith("config.yaml:3: YAML syntax error:"), error("server:\n  securePort: [1\n"));
        assertEquals("config.yaml:2: metricResolution: duplicate key", error("metricResolution: 15s\nmetricResolution: 20s\n"));
        assertEquals("config.yaml:1: the file must be a mapping of keys (see the documented config.yaml)", error("- a\n- b\n"));
    }

    @Test
    void severalErrorsAreCountedInTheSummary() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> parse("foo: 1\nbar: 2\nserver:\n  securePort: 0\n"));
        assertEquals(3, e.errors().size());
        assertTrue(e.getMessage().endsWith("(and 2 more errors)"), e.getMessage());
    }

    @Test
    void nullValuesTakeTheDefault() throws Exception {
        assertEquals(Settings.defaults(), parse("kubeconfig:\nserver:\nkubelet:\n  port: ~\n"));
    }

    @Test
    void explicitMissingFileIsAnErrorAndDefaultMissingFileIsDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException, InvalidConfigException {
        Path missing = dir.resolve("config.yaml");
        assertEquals(Settings.defaults(), new ConfigFile(missing, false).parse(new ConfigFile(missing, false).readBytes()));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ConfigFile(missing, true).parse(new ConfigFile(missing, true).readBytes()));
        assertEquals(missing + ": configuration file does not exist", e.getMessage());
    }
}
