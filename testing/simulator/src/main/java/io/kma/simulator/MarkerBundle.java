package io.kma.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * For tests of what the appliance loads: a bundle whose Declarative Services component (immediate, no OSGi API
 * needed) writes a marker file when it is instantiated. The marker exists only if some framework loaded and
 * started the jar, so a test can tell "refused" or "never read" from "loaded".
 */
public final class MarkerBundle {

    private MarkerBundle() {
    }

    /** Writes {@code dir/name.jar} whose component writes {@code marker} when activated; returns the jar. */
    public static Path write(Path dir, String name, Path marker) throws IOException {
        Path src = Files.createTempDirectory("kma-marker-src");
        try {
            return write(dir, name, marker, src);
        } finally {
            try (var files = Files.walk(src)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Path write(Path dir, String name, Path marker, Path src) throws IOException {
        Path pkg = Files.createDirectories(src.resolve("kmatest"));
        Path java = pkg.resolve("Marker.java");
        Files.writeString(java, "package kmatest;\npublic class Marker {\n    public Marker() throws java.io.IOException {\n"
                + "        java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker.toAbsolutePath().toString()
                .replace("\\", "\\\\").replace("\"", "\\\"") + "\"), \"loaded\\n\");\n    }\n}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null || javac.run(null, null, null, "--release", "17", "-d", src.toString(), java.toString()) != 0) {
            throw new IOException("cannot compile the marker class (no JDK compiler?)");
        }
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "kma.test." + name);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Service-Component", "OSGI-INF/marker.xml");
        Files.createDirectories(dir);
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            for (var e : List.of(
                    new Object[] {"kmatest/Marker.class", Files.readAllBytes(pkg.resolve("Marker.class"))},
                    new Object[] {"OSGI-INF/marker.xml", ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.1.0\" name=\"kma.test." + name
                            + "\" immediate=\"true\">\n  <implementation class=\"kmatest.Marker\"/>\n</scr:component>\n")
                            .getBytes(StandardCharsets.UTF_8)})) {
                j.putNextEntry(new JarEntry((String) e[0]));
                j.write((byte[]) e[1]);
                j.closeEntry();
            }
        }
        return jar;
    }
}
