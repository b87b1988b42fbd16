package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code manifests} byte for byte as the launcher printed it before the manifests became a resource template
 * (src/test/resources/manifests/*.yaml were written by the old code; the version is replaced by VERSION), for the
 * flag combinations operators use; each output is also valid YAML.
 */
class ManifestsGoldenTest {

    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakecertificate+/=\n-----END CERTIFICATE-----\n";

    /** golden file name, then the arguments after {@code manifests}; CA_FILE stands for a PEM file. */
    private static final String[][] CASES = {
        {"static-two-addresses", "--advertise-address", "192.0.2.10,192.0.2.11", "--port=4443"},
        {"hosts", "--hosts", "cp-1,cp-2"},
        {"static-ipv6-ca-bundle", "--advertise-address=2001:db8::10,192.0.2.10", "--port", "10443", "--ca-bundle", "CA_FILE"},
        {"hosts-and-address-ca-bundle", "--hosts", "cp-1", "--advertise-address", " 192.0.2.10 ", "--ca-bundle", "CA_FILE"},
        {"three-hosts-port-1", "--hosts", "a,b-2,c3", "--port", "1"},
    };

    @TempDir
    Path dir;

    private String manifests(String... args) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), PEM);
        List<String> argv = new ArrayList<>(List.of("manifests"));
        for (String a : args) {
            argv.add(a.equals("CA_FILE") ? ca.toString() : a);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).replace("# kube-metrics-appliance " + BuildInfo.version() + ":",
                "# kube-metrics-appliance VERSION:");
    }

    @Test
    void outputIsByteForByteAsBeforeAndValidYaml() throws Exception {
        String dump = System.getProperty("golden.dump");
        List<String> outputs = new ArrayList<>();
        for (String[] c : CASES) {
            outputs.add(manifests(Arrays.copyOfRange(c, 1, c.length)));
            if (dump != null) {
                Files.writeString(Path.of(dump, c[0] + ".yaml"), outputs.get(outputs.size() - 1));
            }
        }
        for (int i = 0; i < CASES.length; i++) {
            String name = CASES[i][0];
            String actual = outputs.get(i);
            String expected = Files.readString(Path.of("src/test/resources/manifests", name + ".yaml"));
            assertEquals(expected, actual, name);
            int objects = 0;
            for (Object doc : new Yaml().loadAll(actual)) {
                if (doc != null) { // the leading comment-only document
                    assertTrue(((Map<?, ?>) doc).containsKey("kind"), name + ": " + doc);
                    objects++;
                }
            }
            assertEquals(actual.lines().filter(l -> l.startsWith("kind: ")).count(), objects, name);
        }
    }
}
