package io.kma.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line flags (kma.config.overrides) on top of config.yaml. */
class OverridesTest {

    private static Settings parse(String yaml, String json) throws InvalidConfigException {
        return ConfigParser.parse("config.yaml", yaml, Overrides.parse(json));
    }

    private static String error(String yaml, String json) {
        return assertThrows(InvalidConfigException.class, () -> parse(yaml, json)).getMessage();
    }

    @Test
    void noOverridesMeansTheFileAlone() throws Exception {
        assertEquals(List.of(), Overrides.parse(null));
        assertEquals(List.of(), Overrides.parse(""));
        assertEquals(Settings.defaults(), parse("", "[]"));
    }

    @Test
    void flagsWinOverTheFileAndAreConvertedLikeTheFile() throws Exception {
        Settings s = parse("""
                metricResolution: 30s
                kubelet:
                  port: 10255
                  requestTimeout: 5s
                """, """
                [{"flag":"--kubelet-port","key":"kubelet.port","value":"10250"},
                 {"flag":"--metric-resolution","key":"metricResolution","value":"15s"},
                 {"flag":"--kubelet-insecure-tls","key":"kubelet.insecureSkipTLSVerify","value":"true"},
                 {"flag":"--kubelet-preferred-address-types","key":"kubelet.preferredAddressTypes","value":["InternalIP","Hostname"]},
                 {"flag":"--requestheader-allowed-names","key":"authentication.requestheaderAllowedNames","value":[]},
                 {"flag":"--tls-cert-file","key":"server.tlsCertFile","value":"/etc/pki/a b.crt"},
                 {"flag":"--tls-private-key-file","key":"server.tlsPrivateKeyFile","value":"/etc/pki/a \\"b\\".key"},
                 {"flag":"--node-selector","key":"nodeSelector","value":"role in (a,b)"}]
                """);
        assertEquals(10250, s.integer("kubelet.port"));
        assertEquals(15_000L, s.number("metricResolution"));
        assertEquals(5_000L, s.number("kubelet.requestTimeout"), "keys without a flag keep the file's value");
        assertTrue(s.bool("kubelet.insecureSkipTLSVerify"));
        assertEquals(List.of("InternalIP", "Hostname"), s.list("kubelet.preferredAddressTypes"));
        assertEquals(List.of(), s.list("authentication.requestheaderAllowedNames"));
        assertEquals("/etc/pki/a b.crt", s.string("server.tlsCertFile"));
        assertEquals("/etc/pki/a \"b\".key", s.string("server.tlsPrivateKeyFile"));
        assertEquals("role in (a,b)", s.string("nodeSelector"));
    }

    @Test
    void invalidFlagValuesNameTheFlag() {
        assertEquals("--kubelet-port: \"http\" is not a port (1-65535)",
                error("", "[{\"flag\":\"--kubelet-port\",\"key\":\"kubelet.port\",\"value\":\"http\"}]"));
        assertEquals("--kubelet-request-timeout: \"10x\" is not a duration (examples: 10s, 1m30s)",
                error("", "[{\"flag\":\"--kubelet-request-timeout\",\"key\":\"kubelet.requestTimeout\",\"value\":\"10x\"}]"));
        assertEquals("--bind-address: \"localhost\" is not an IP address (examples: 0.0.0.0, 192.0.2.10, ::)",
                error("", "[{\"flag\":\"--bind-address\",\"key\":\"server.bindAddress\",\"value\":\"localhost\"}]"));
        assertEquals("--kubelet-preferred-address-types: \"InternalIp\" is not an address type (one of Hostname, InternalDNS, InternalIP, ExternalDNS, ExternalIP)",
                error("", "[{\"flag\":\"--kubelet-preferred-address-types\",\"key\":\"kubelet.preferredAddressTypes\",\"value\":[\"InternalIp\"]}]"));
        assertEquals("--metric-resolution: 1s is below the minimum of 5s",
                error("", "[{\"flag\":\"--metric-resolution\",\"key\":\"metricResolution\",\"value\":\"1s\"}]"));
        assertEquals("--kubelet-request-timeout: kubelet.requestTimeout 20s must be at most 9/10 of metricResolution 15s (13.5s)",
                error("metricResolution: 15s\n", "[{\"flag\":\"--kubelet-request-timeout\",\"key\":\"kubelet.requestTimeout\",\"value\":\"20s\"}]"));
        assertEquals("--tls-cert-file: server.tlsPrivateKeyFile must be set too (both or neither; neither = self-signed certificate in server.certDir)",
                error("", "[{\"flag\":\"--tls-cert-file\",\"key\":\"server.tlsCertFile\",\"value\":\"/a.crt\"}]"));
    }

    @Test
    void upstreamFlagCombinationsAreRejectedWithUpstreamMessages() throws Exception {
        assertEquals("cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls", error("", """
                [{"flag":"--kubelet-certificate-authority","key":"kubelet.certificateAuthority","value":"/ca.crt"},
                 {"flag":"--kubelet-insecure-tls","key":"kubelet.insecureSkipTLSVerify","value":"true"}]"""));
        assertEquals("need both --kubelet-client-key and --kubelet-client-certificate", error("", """
                [{"flag":"--kubelet-client-certificate","key":"kubelet.clientCertificate","value":"/c.crt"}]"""));
        // --kubelet-insecure-tls=false with a CA is fine, as upstream
        assertEquals("/ca.crt", parse("", """
                [{"flag":"--kubelet-certificate-authority","key":"kubelet.certificateAuthority","value":"/ca.crt"},
                 {"flag":"--kubelet-insecure-tls","key":"kubelet.insecureSkipTLSVerify","value":"false"}]""")
                .string("kubelet.certificateAuthority"));
    }

    @Test
    void fileErrorsStillReportTheFileAndMalformedOverridesAreReported() {
        assertEquals("config.yaml:1: kubelet: must be a mapping of keys, not \"x\"",
                error("kubelet: x\n", "[{\"flag\":\"--kubelet-port\",\"key\":\"kubelet.port\",\"value\":\"1\"}]"));
        assertTrue(assertThrows(InvalidConfigException.class, () -> Overrides.parse("{\"a\":1}")).getMessage()
                .startsWith("kma.config.overrides: not a JSON list"));
        assertEquals("kma.config.overrides: --x: unknown configuration key kubelet.nope", assertThrows(InvalidConfigException.class,
                () -> Overrides.parse("[{\"flag\":\"--x\",\"key\":\"kubelet.nope\",\"value\":\"1\"}]")).getMessage());
    }

    @Test
    void aMissingDefaultFileMeansDefaultsPlusFlags(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("config.yaml");
        ConfigFile file = new ConfigFile(missing, false,
                Overrides.parse("[{\"flag\":\"--secure-port\",\"key\":\"server.securePort\",\"value\":\"6443\"}]"));
        assertEquals(6443, file.parse(file.readBytes()).integer("server.securePort"));
        Files.writeString(missing, "server:\n  securePort: 7443\n  bindAddress: 127.0.0.1\n");
        Settings edited = file.parse(file.readBytes());
        assertEquals(6443, edited.integer("server.securePort"), "a file change keeps the flag");
        assertEquals("127.0.0.1", edited.string("server.bindAddress"));
    }
}
