package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * bundles/shared is embedded, never shared at run time: the distribution holds no io.kma.shared jar, no bundle imports
 * or exports an io.kma.shared package, and the bundles that use a helper carry it as a private package.
 */
class SharedHelpersEmbeddedTest {

    @Test
    void sharedHelpersArePrivateCopiesInsideTheBundles() throws IOException {
        Path dist = Appliance.distribution();
        List<String> wired = new ArrayList<>();
        List<String> embedding = new ArrayList<>();
        try (Stream<Path> jars = Stream.concat(Files.walk(dist.resolve("bundles")), Files.walk(dist.resolve("lib")))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                assertFalse(jar.getFileName().toString().startsWith("io.kma.shared"), "shipped on its own: " + jar);
                try (JarFile j = new JarFile(jar.toFile())) {
                    Manifest m = j.getManifest();
                    String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn == null || !bsn.startsWith("io.kma.")) {
                        continue;
                    }
                    for (String header : List.of("Import-Package", "Export-Package")) {
                        String value = m.getMainAttributes().getValue(header);
                        if (value != null && value.contains("io.kma.shared")) {
                            wired.add(bsn + " " + header);
                        }
                    }
                    String priv = m.getMainAttributes().getValue("Private-Package");
                    if (priv != null && priv.contains("io.kma.shared.")) {
                        embedding.add(bsn);
                    }
                }
            }
        }
        assertEquals(List.of(), wired, "bundles that import or export io.kma.shared");
        // the scraper uses the label selector, the histogram, the duration formatter and the X.509 helpers
        assertTrue(embedding.contains("io.kma.scraper"), "bundles embedding shared helpers: " + embedding);
        try (JarFile scraper = new JarFile(dist.resolve("bundles/io.kma.scraper-" + version(dist) + ".jar").toFile())) {
            assertNotNull(scraper.getEntry("io/kma/shared/labels/LabelSelector.class"));
            assertTrue(scraper.getManifest().getMainAttributes().getValue("Private-Package")
                    .contains("io.kma.shared.labels"));
        }
    }

    private static String version(Path dist) throws IOException {
        try (Stream<Path> s = Files.list(dist.resolve("bundles"))) {
            String name = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("io.kma.scraper-"))
                    .findFirst().orElseThrow();
            return name.substring("io.kma.scraper-".length(), name.length() - ".jar".length());
        }
    }
}
