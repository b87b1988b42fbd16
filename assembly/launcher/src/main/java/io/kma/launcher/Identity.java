package io.kma.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code identity}: starts the framework with only the bundles the identity command needs (no configuration, no
 * deploy directory, nothing that serves or scrapes), passes the options as framework properties
 * {@code kma.identity.*} and runs the kube-client bundle's {@link io.kma.api.runtime.Command} {@code identity}.
 */
final class Identity {

    static final String IDENTITY = "identity";
    static final String PREFIX = "kma.identity.";
    static final Set<String> NOT_STARTED = Set.of("io.kma.config", "io.kma.doctor", "io.kma.http.server",
            "io.kma.metrics.api", "io.kma.store", "io.kma.scraper", "io.kma.address.hosts", "io.kma.address.preferred",
            "io.kma.kubelet.auth.token", "io.kma.kubelet.auth.x509");

    /** Every option with its default ("-": none); flags (no value) are listed in {@link #FLAGS}. */
    static final Map<String, String> DEFAULTS = Map.of(
            "--kubeconfig", "/etc/kubernetes/admin.conf",
            "--dir", "/etc/kube-metrics-appliance/identity",
            "--owner", "kube-metrics-appliance",
            "--wait-seconds", "900",
            "--expiration-seconds", "31536000");
    static final Set<String> FLAGS = Set.of("--approve", "--renew");

    private Identity() {
    }

    static boolean mode(LaunchOptions o) {
        return IDENTITY.equals(o.extraFrameworkProperties().get(Doctor.MODE));
    }

    static int run(List<String> args, Path home, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> props = new HashMap<>(frameworkProperties(args));
        props.put(Doctor.MODE, IDENTITY);
        Path state = Files.createTempDirectory("kma-identity-");
        try (Launcher launcher = Launcher.start(new LaunchOptions(home, null, false, state, null, props))) {
            OptionalInt code = BundleCommand.run(launcher.framework().getBundleContext(), IDENTITY, BundleCommand.WAIT_MILLIS,
                    out);
            if (code.isEmpty()) {
                err.println("kube-metrics-appliance: the identity command (bundle io.kma.kube.client) is not active");
                return 1;
            }
            return code.getAsInt();
        } finally {
            Doctor.deleteTree(state);
        }
    }

    /** The command line as {@code kma.identity.<option>} properties; a usage error names the option. */
    static Map<String, String> frameworkProperties(List<String> args) throws Options.UsageException {
        Map<String, String> props = new HashMap<>();
        List<String> valued = new java.util.ArrayList<>();
        for (String a : args) {
            if (FLAGS.contains(a)) {
                props.put(PREFIX + a.substring(2), "true");
            } else {
                valued.add(a);
            }
        }
        Map<String, String> values = Options.parse(valued, DEFAULTS);
        Options.positiveInt(values, "--wait-seconds", 7 * 24 * 3600);
        int expiration = Options.positiveInt(values, "--expiration-seconds", Integer.MAX_VALUE);
        if (expiration < 600) {
            throw new Options.UsageException("--expiration-seconds must be at least 600 (kube-apiserver's minimum)");
        }
        values.forEach((k, v) -> props.put(PREFIX + k.substring(2), v));
        return props;
    }
}
