package io.kma.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Assumptions;

/** Jars for the launcher tests: tiny manifest-only bundles, and real bundles taken from the test class path. */
final class TestBundles {

    private TestBundles() {
    }

    static Path manifestOnly(Path dir, String symbolicName, String version) throws IOException {
        return manifestOnly(dir, symbolicName, version, Map.of());
    }

    /** With extra manifest headers, such as Export-Package or Import-Package (no classes needed to wire). */
    static Path manifestOnly(Path dir, String symbolicName, String version, Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        headers.forEach(main::putValue);
        Files.createDirectories(dir);
        Path jar = dir.resolve(symbolicName + "-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    /**
     * A distribution home whose {@code bundles/} holds the real config bundle and what it needs (api, SnakeYAML, SCR,
     * ConfigAdmin, the DS API, promise, function), copied from the test class path; the test is skipped, saying why,
     * when one is not a jar there (a reactor build before package).
     */
    static Path configHome(Path dir) throws IOException {
        Path home = dir.resolve("home");
        for (String prefix : new String[] {"io.kma.config-", "io.kma.api-", "snakeyaml-", "org.apache.felix.scr-",
                "org.apache.felix.configadmin-", "org.osgi.service.component-", "org.osgi.util.promise-",
                "org.osgi.util.function-"}) {
            Assumptions.assumeTrue(copyFromClassPath(prefix, home.resolve("bundles")) != null,
                    prefix + " is not a jar on the test class path (reactor build before package?)");
        }
        return home;
    }

    /** Copies the class-path jar whose file name starts with {@code prefix}; null when it is not a jar (e.g. target/classes). */
    static Path copyFromClassPath(String prefix, Path dir) throws IOException {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName().toString().startsWith(prefix) && entry.endsWith(".jar")) {
                Files.createDirectories(dir);
                return Files.copy(path, dir.resolve(path.getFileName()));
            }
        }
        return null;
    }
}
