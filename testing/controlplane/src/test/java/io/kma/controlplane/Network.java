package io.kma.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The test's network, in network namespaces it creates so that the host's own network is untouched: a control-plane
 * namespace holding a bridge with {@link #CONTROL_PLANE_IP} (etcd, kube-apiserver, kube-controller-manager, the
 * kubelets and kubectl run there), and one namespace per appliance, joined to the bridge by a veth pair, with
 * {@code 10.213.7.(10 + n)}. kube-apiserver refuses loopback Endpoints, so each appliance needs an address of its
 * own that kube-apiserver can dial. Namespace names carry this JVM's pid, so a run never touches another run's
 * namespaces; {@link #removeStale} removes those whose run died without tearing down.
 */
final class Network implements AutoCloseable {
    static final String CONTROL_PLANE_IP = "10.213.7.1";
    private static final String PREFIX = "kma-cp-test-";
    private static final Duration STEP = Duration.ofSeconds(20);

    private final String id = Long.toString(ProcessHandle.current().pid());
    private final List<String> namespaces = new ArrayList<>();
    private final String controlPlane;

    private Network() {
        this.controlPlane = PREFIX + id + "-cp";
    }

    static Network create() throws IOException, InterruptedException {
        removeStale();
        Network n = new Network();
        try {
            n.addNamespace(n.controlPlane);
            n.ip(n.controlPlane, "link", "add", "br0", "type", "bridge");
            n.ip(n.controlPlane, "addr", "add", CONTROL_PLANE_IP + "/24", "dev", "br0");
            n.ip(n.controlPlane, "link", "set", "br0", "up");
            return n;
        } catch (IOException | RuntimeException | InterruptedException e) {
            n.close();
            throw e;
        }
    }

    /** Namespace {@code name}'s address for appliance {@code n} (1, 2, ...). */
    static String applianceIp(int n) {
        return "10.213.7." + (10 + n);
    }

    /** Creates appliance {@code n}'s namespace, joined to the bridge; returns its name. */
    String addAppliance(int n) throws IOException, InterruptedException {
        String ns = PREFIX + id + "-a" + n;
        addNamespace(ns);
        String host = "veth-a" + n;
        ip(controlPlane, "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(controlPlane, "link", "set", host, "master", "br0", "up");
        ip(ns, "addr", "add", applianceIp(n) + "/24", "dev", "eth0");
        ip(ns, "link", "set", "eth0", "up");
        return ns;
    }

    String controlPlane() {
        return controlPlane;
    }

    /** The command prefix that runs a program inside {@code ns}. */
    static List<String> in(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return c;
    }

    private void addNamespace(String ns) throws IOException, InterruptedException {
        run(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
        ip(ns, "link", "set", "lo", "up");
    }

    private void ip(String ns, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "-n", ns));
        c.addAll(List.of(args));
        run(c);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Proc.Result r = Proc.run(STEP, command);
        if (!r.ok()) {
            throw new IOException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output().strip());
        }
    }

    /** Kills what is still running in our namespaces (processes this test started) and deletes them with their links. */
    @Override
    public void close() throws InterruptedException {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            delete(namespaces.get(i));
        }
        namespaces.clear();
    }

    private static void delete(String ns) throws InterruptedException {
        try {
            Proc.Result pids = Proc.run(STEP, List.of("ip", "netns", "pids", ns));
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            // deleting the namespace removes its veth ends and the bridge with it
            Proc.run(STEP, List.of("ip", "netns", "delete", ns));
        } catch (IOException e) {
            System.err.println("controlplane: could not delete network namespace " + ns + ": " + e.getMessage());
        }
    }

    /** Namespaces of earlier runs of this test whose JVM is gone. */
    static void removeStale() throws InterruptedException {
        Path dir = Path.of("/var/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).forEach(n -> {
                String pid = n.substring(PREFIX.length(), n.indexOf('-', PREFIX.length()));
                if (ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                    return;
                }
                stale.add(n);
            });
        } catch (IOException | RuntimeException e) {
            System.err.println("controlplane: cannot list " + dir + ": " + e.getMessage());
        }
        for (String ns : stale) {
            System.err.println("controlplane: removing network namespace " + ns + " and its processes, left by a run that died");
            delete(ns);
        }
        ControlPlane.removeStaleEtcdData();
    }
}
