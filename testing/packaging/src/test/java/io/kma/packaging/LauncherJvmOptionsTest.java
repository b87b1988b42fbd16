package io.kma.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The distribution's bin script picks its default JVM options by the runtime's version: native heap trimming
 * ({@code -XX:TrimNativeHeapInterval}) only where the JVM has the option, since an older JVM refuses to start
 * with an option it does not know. Checked with a stand-in {@code java} that prints its arguments, and once on
 * the real JVM running this test.
 */
class LauncherJvmOptionsTest {

    private static final String TRIM = "-XX:TrimNativeHeapInterval=30000";
    private static final Path DIST = Path.of(System.getProperty("kma.dist",
            "../../assembly/target/kube-metrics-appliance")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "JAVA_VERSION={0}: trim {1}")
    @CsvSource({"17, false", "17.0.8, false", "17.0.9, true", "17.0.15, true", "19.0.2, false", "21, false",
            "21.0.1, true", "25.0.3, true", "'', false"})
    void trimsTheNativeHeapOnlyOnJvmsThatHaveTheOption(String version, boolean trim) throws Exception {
        Path home = fakeJavaHome(version);
        String args = run(Map.of("JAVA_HOME", home.toString()), "version");
        assertTrue(args.contains("-XX:+UseSerialGC"), "not the defaults: " + args);
        assertEquals(trim, args.contains(TRIM), args);
        assertEquals(trim, args.contains("-XX:+UnlockExperimentalVMOptions"), args);
    }

    @Test
    void javaOptsReplaceTheDefaultsTrimIncluded() throws Exception {
        String args = run(Map.of("JAVA_HOME", fakeJavaHome("17.0.15").toString(), "JAVA_OPTS", "-Xmx1g"), "version");
        assertTrue(args.startsWith("-Xmx1g "), args);
        assertFalse(args.contains("TrimNativeHeapInterval"), args);
        assertFalse(args.contains("-XX:+UseSerialGC"), args);
    }

    /** The real JVM takes the defaults the script gives it (an unknown option would end it at once). */
    @Test
    void theRealJvmStartsWithTheDefaultsAndTrimsWhereItCan() throws Exception {
        // JDK_JAVA_OPTIONS is read by the java launcher itself, so the script's defaults stay in place
        String out = run(Map.of("JAVA_HOME", System.getProperty("java.home"), "JDK_JAVA_OPTIONS",
                "-XX:+PrintFlagsFinal"), "version");
        Matcher m = Pattern.compile("uint TrimNativeHeapInterval\\s+= (\\d+)\\s+\\{[^}]*\\} \\{([^}]*)\\}").matcher(out);
        Runtime.Version v = Runtime.version();
        boolean hasOption = v.feature() == 17 && v.update() >= 9 || v.feature() == 21 && v.update() >= 1
                || v.feature() >= 22;
        if (hasOption) {
            assertTrue(m.find(), "no TrimNativeHeapInterval among the flags of " + v + ":\n" + tail(out));
            assertEquals("30000", m.group(1), m.group());
            assertEquals("command line", m.group(2), m.group());
        } else {
            assertFalse(m.find(), "this JVM (" + v + ") should not have the option:\n" + tail(out));
        }
        assertTrue(out.contains("bool UseSerialGC                              = true"), tail(out));
        assertTrue(Pattern.compile("size_t MaxNewSize\\s+= 134217728\\s").matcher(out).find(), tail(out));
        // the small-cluster footprint: a quarter of the heap young, C1's profiled code after 5x the JDK's counts
        assertTrue(Pattern.compile("uintx NewRatio\\s+= 3\\s").matcher(out).find(), tail(out));
        for (String t3 : List.of("Tier3InvocationThreshold\\s+= 1000", "Tier3MinInvocationThreshold\\s+= 500",
                "Tier3CompileThreshold\\s+= 10000", "Tier3BackEdgeThreshold\\s+= 300000")) {
            assertTrue(Pattern.compile("intx " + t3 + "\\s+\\{product\\} \\{command line\\}").matcher(out).find(),
                    t3 + " not set:\n" + tail(out));
        }
    }

    private Path fakeJavaHome(String version) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("jdk-" + (version.isEmpty() ? "unknown" : version)));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (!version.isEmpty()) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        }
        return home;
    }

    /** Runs the bin script with env added (JAVA_OPTS and JDK_JAVA_OPTIONS removed unless given); its output. */
    private String run(Map<String, String> env, String... args) throws Exception {
        Path script = DIST.resolve("bin/kube-metrics-appliance");
        assertTrue(Files.isExecutable(script), "no distribution at " + DIST + "; build it first: mvn -B -q install -DskipTests");
        ProcessBuilder pb = new ProcessBuilder(concat(script.toString(), args));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("KMA_STATE_DIR", Files.createDirectories(tmp.resolve("state")).toString());
        pb.environment().putAll(env);
        Path log = tmp.resolve("out.log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script did not finish in 60 s");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), tail(out));
        return out.strip();
    }

    private static List<String> concat(String first, String... rest) {
        return Stream.concat(Stream.of(first), Arrays.stream(rest)).toList();
    }

    private static String tail(String s) {
        return s.length() <= 3000 ? s : "..." + s.substring(s.length() - 3000);
    }
}
