package io.kma.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import io.kma.api.runtime.Readiness;

/**
 * The system bundle's export of {@code io.kma.api.runtime}: the {@code Export-Package} of the jar that holds it on
 * the launcher's class path, word for word, so the version bundles import is the one bnd computed from the
 * package's {@code @Version} and nothing here repeats it.
 */
final class RuntimeApiExport {

    static final String PACKAGE = Readiness.class.getPackageName();

    private RuntimeApiExport() {
    }

    /** The export clause, e.g. {@code io.kma.api.runtime;version="1.0.0"}. */
    static String clause() {
        String exports = manifest().getMainAttributes().getValue("Export-Package");
        if (exports == null || !exports.startsWith(PACKAGE + ";")) {
            throw new IllegalStateException("the jar of " + PACKAGE + " on the launcher class path exports " + exports
                    + " (is it the io.kma.api.runtime jar built by bnd?)");
        }
        return exports;
    }

    private static Manifest manifest() {
        CodeSource source = Readiness.class.getProtectionDomain().getCodeSource();
        try {
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                // A reactor build before package: the classes directory has no manifest of its own.
                Path mf = location.resolve("META-INF/MANIFEST.MF");
                if (!Files.isRegularFile(mf)) {
                    throw new IllegalStateException(PACKAGE + " comes from " + location
                            + ", which has no META-INF/MANIFEST.MF: put the io.kma.api.runtime jar on the class path");
                }
                try (InputStream in = Files.newInputStream(mf)) {
                    return new Manifest(in);
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                Manifest manifest = jar.getManifest();
                if (manifest == null) {
                    throw new IllegalStateException(location + " has no manifest");
                }
                return manifest;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
