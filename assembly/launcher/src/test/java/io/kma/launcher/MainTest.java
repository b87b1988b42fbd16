package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int main(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void versionPrintsTheProjectVersion() {
        assertEquals(0, main("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("kube-metrics-appliance \\d+\\.\\d+\\.\\d+.*\\R"), out.toString());
    }

    @Test
    void helpGoesToStdoutAndUsageErrorsToStderrWithExitCode2() {
        assertEquals(0, main("help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: kube-metrics-appliance"));
        assertEquals(2, main());
        assertEquals(2, main("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command frobnicate"));
        assertEquals(2, main("run", "--verbose"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument --verbose"));
        assertEquals(2, main("run", "--config"));
        assertEquals(2, main("demo", "--nodes", "0"));
        assertEquals(2, main("version", "extra"));
    }

    @Test
    void explicitConfigThatDoesNotExistIsExitCode1InOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertEquals(1, main("run", "--config=" + missing));
        assertEquals("kube-metrics-appliance: configuration file " + missing + " does not exist" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void demoConfigPointsAtTheSimulatorFiles(@TempDir Path dir) throws Exception {
        String yaml = Demo.configYaml(dir, 4444);
        assertTrue(yaml.contains("kubeconfig: '" + dir.resolve("appliance.kubeconfig") + "'"));
        assertTrue(yaml.contains("securePort: 4444"));
        assertTrue(yaml.contains("auth: kubeconfig"), yaml);
        assertTrue(!yaml.contains("apiserver-kubelet-client"), "the demo uses no administrator certificate: " + yaml);
        assertTrue(yaml.contains("preferredAddressTypes: [InternalIP, Hostname]"));
        assertEquals(false, Demo.hasSimulator(dir));
    }

    @Test
    void optionsAcceptBothSpellings() throws Exception {
        assertEquals("7", Options.parse(java.util.List.of("--nodes=7"), java.util.Map.of("--nodes", "3")).get("--nodes"));
        assertEquals("8", Options.parse(java.util.List.of("--nodes", "8"), java.util.Map.of("--nodes", "3")).get("--nodes"));
        assertEquals("3", Options.parse(java.util.List.of(), java.util.Map.of("--nodes", "3")).get("--nodes"));
    }
}
