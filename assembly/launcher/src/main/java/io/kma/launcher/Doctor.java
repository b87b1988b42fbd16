package io.kma.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code doctor}: starts the framework in doctor mode (framework property {@value #MODE}={@value #DOCTOR}) with the
 * same configuration, flags and bundles as {@code run}, except the bundles that serve or store ({@link #NOT_STARTED})
 * and File Install (it never reads the deploy directory), so it can run beside the service; runs the doctor bundle's
 * {@link io.kma.api.runtime.Command} and returns its exit code. The Felix cache goes to a temporary directory, never
 * the service's state directory.
 */
final class Doctor {

    static final String MODE = "kma.mode";
    static final String DOCTOR = "doctor";
    static final String MANIFEST_OPTION = "--apiserver-manifest";
    static final String MANIFEST_PROPERTY = "kma.doctor.apiserver-manifest";
    /** The HTTPS endpoint would contend with the running service for its port; the store has nothing to store. */
    static final Set<String> NOT_STARTED = Set.of("io.kma.http.server", "io.kma.metrics.api", "io.kma.store");

    private Doctor() {
    }

    static boolean mode(LaunchOptions o) {
        return DOCTOR.equals(o.extraFrameworkProperties().get(MODE));
    }

    static int run(List<String> args, Path home, PrintStream out, PrintStream err) throws Exception {
        List<String> rest = new ArrayList<>();
        String manifest = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(MANIFEST_OPTION) || a.startsWith(MANIFEST_OPTION + "=")) {
                manifest = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.size() ? args.get(++i) : "";
                if (manifest.isEmpty()) {
                    throw new Options.UsageException(MANIFEST_OPTION + " needs a value");
                }
            } else {
                rest.add(a);
            }
        }
        RunFlags.Parsed flags = RunFlags.parse(rest);
        if (Main.configMissing(flags, err)) {
            return 1;
        }
        Map<String, String> props = new HashMap<>(flags.frameworkProperties());
        props.put(MODE, DOCTOR);
        if (manifest != null) {
            props.put(MANIFEST_PROPERTY, Path.of(manifest).toAbsolutePath().toString());
        }
        Path state = Files.createTempDirectory("kma-doctor-");
        out.println("kube-metrics-appliance doctor: configuration " + flags.configFile());
        out.flush();
        // No deploy directory: doctor runs as root, and root loads no code from a place another user can write.
        try (Launcher launcher = Launcher.start(new LaunchOptions(home, flags.configFile(), flags.configExplicit(), state,
                null, props))) {
            OptionalInt code = BundleCommand.run(launcher.framework().getBundleContext(), DOCTOR, BundleCommand.WAIT_MILLIS,
                    out);
            if (code.isEmpty()) {
                err.println("kube-metrics-appliance: the doctor bundle (io.kma.doctor) is not active");
                return 1;
            }
            return code.getAsInt();
        } finally {
            deleteTree(state);
        }
    }

    static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
