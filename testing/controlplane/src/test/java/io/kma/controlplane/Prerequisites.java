package io.kma.controlplane;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * What the control-plane test needs from the machine. Where it is required ({@code .ci/run} exports
 * {@code KMA_CONTROLPLANE_REQUIRED=1}; also {@code CI=true} or {@code -Dcontrolplane.required=true}) anything missing
 * fails the test with one line naming the fix, so CI never skips it. Elsewhere (a developer's machine with only JDK
 * and Maven, as the README's test command promises) it is skipped with the same line, loudly, like the packaging test.
 * {@code -Dcontrolplane.skip=true} skips it explicitly. The kube binaries come from {@code build-kube.sh}, which returns at once when its cache holds
 * them and otherwise builds them (5-15 min, once per source version).
 */
record Prerequisites(Path kubeApiserver, Path kubeControllerManager, Path etcd, Path kubectl, Path curl) {
    static final String FIX = "run `sudo testing/controlplane/prepare.sh` (or .ci/run), or pass -Dcontrolplane.skip=true to skip this test";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(45);

    static Prerequisites check() throws IOException, InterruptedException {
        if (Boolean.getBoolean("controlplane.skip")) {
            String msg = "SKIPPED LOUDLY (-Dcontrolplane.skip=true): the real kube-apiserver/kube-controller-manager test did not run";
            System.err.println("controlplane: " + msg);
            Assumptions.abort(msg);
        }
        List<String> missing = new ArrayList<>();
        Proc.Result uid = Proc.run(Duration.ofSeconds(10), List.of("id", "-u"));
        if (!uid.output().strip().equals("0")) {
            missing.add("root (network namespaces)");
        }
        Path ip = tool("ip", missing, "iproute2");
        Path unshare = tool("unshare", missing, "util-linux");
        Path etcd = tool("etcd", missing, "etcd-server");
        Path kubectl = tool("kubectl", missing, "kubectl");
        Path curl = tool("curl", missing, "curl");
        Path aptCache = tool("apt-cache", missing, "apt");
        if (!missing.isEmpty() || ip == null || unshare == null || aptCache == null) {
            unavailable("controlplane: missing " + String.join(", ", missing) + ": " + FIX);
        }
        Path script = Path.of(System.getProperty("kma.buildKube", "build-kube.sh")).toAbsolutePath();
        System.out.println("controlplane: " + script + " (returns at once when cached; a cold build takes 10-25 min)");
        long t0 = System.nanoTime();
        Proc.Result built = Proc.run(BUILD_TIMEOUT, List.of(script.toString()));
        String[] lines = built.output().strip().split("\n");
        Path cache = Path.of(lines[lines.length - 1].strip());
        if (!built.ok() || !Files.isExecutable(cache.resolve("kube-apiserver"))) {
            String tail = String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
            unavailable("controlplane: " + script + " could not provide kube-apiserver/kube-controller-manager: " + FIX + "\n" + tail);
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        if (seconds > 5) {
            System.out.println("controlplane: build-kube.sh built the kube binaries in " + seconds + " s into " + cache);
        }
        return new Prerequisites(cache.resolve("kube-apiserver"), cache.resolve("kube-controller-manager"), etcd, kubectl, curl);
    }

    /** Whether a missing prerequisite fails the test (CI) rather than skipping it loudly. */
    static boolean required() {
        return Boolean.getBoolean("controlplane.required")
                || !System.getenv().getOrDefault("KMA_CONTROLPLANE_REQUIRED", "").isEmpty()
                || "true".equalsIgnoreCase(System.getenv().getOrDefault("CI", ""));
    }

    private static void unavailable(String why) {
        if (required()) {
            fail(why);
        }
        String msg = "SKIPPED LOUDLY (not required here: set KMA_CONTROLPLANE_REQUIRED=1 or CI=true to make this a failure): "
                + why;
        System.err.println(msg);
        Assumptions.abort(msg);
    }

    private static Path tool(String name, List<String> missing, String pkg) {
        Path found = Stream.of(System.getenv().getOrDefault("PATH", ""), "/usr/sbin:/sbin:/usr/bin:/bin")
                .flatMap(p -> Stream.of(p.split(":"))).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            missing.add(name + " (" + pkg + ")");
        }
        return found;
    }
}
