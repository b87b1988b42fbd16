package io.kma.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code demo}: the cluster simulator (kube-apiserver, aggregator front and kubelets) as a child process, and
 * the appliance in this process configured against it.
 */
final class Demo {

    static final int DEFAULT_PORT = 4443;
    static final long SIMULATOR_START_TIMEOUT_SECONDS = 90;
    private static final String SIMULATOR_MAIN = "io.kma.simulator.Main";

    private Demo() {
    }

    static int run(Map<String, String> options, Path home, PrintStream out, PrintStream err) throws Exception {
        int nodes = Options.positiveInt(options, "--nodes", 10_000);
        int podsPerNode = Options.positiveInt(options, "--pods-per-node", 500);
        Path simulatorLib = home.resolve("lib").resolve("simulator");
        if (!hasSimulator(simulatorLib)) {
            err.println("kube-metrics-appliance: demo needs the cluster simulator, but " + simulatorLib
                    + " has no " + SIMULATOR_MAIN + " (build testing/simulator, then the assembly)");
            return 1;
        }
        Path dir = Files.createTempDirectory("kma-demo-");
        int port = freePort(DEFAULT_PORT);
        Path simulatorLog = dir.resolve("simulator.log");
        List<String> command = new ArrayList<>();
        // In its own session, Ctrl-C reaches only this JVM, which stops the appliance before the simulator;
        // --exit-with-parent still ends the simulator if this JVM dies.
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", simulatorLib + "/*", SIMULATOR_MAIN,
                "--dir", dir.toString(), "--nodes", Integer.toString(nodes), "--pods-per-node", Integer.toString(podsPerNode),
                "--appliance-url", "https://127.0.0.1:" + port, "--exit-with-parent"));
        Process simulator = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(simulatorLog.toFile()).start();
        // One hook, so that on Ctrl-C the appliance stops before the cluster it watches disappears.
        AtomicReference<Launcher> running = new AtomicReference<>();
        Thread stopBoth = new Thread(() -> {
            Launcher launcher = running.get();
            if (launcher != null) {
                launcher.close();
            }
            stop(simulator);
        }, "kma-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopBoth);
        try {
            out.println("starting the cluster simulator (" + nodes + " nodes, " + podsPerNode + " pods per node) in " + dir
                    + "; its log: " + simulatorLog);
            if (!awaitSimulator(simulator, dir.resolve("simulator.properties"))) {
                err.println("kube-metrics-appliance: the simulator did not come up within " + SIMULATOR_START_TIMEOUT_SECONDS
                        + " s (exit: " + (simulator.isAlive() ? "still running" : simulator.exitValue()) + "); last lines of "
                        + simulatorLog + ":");
                tail(simulatorLog, 20).forEach(err::println);
                return 1;
            }
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, configYaml(dir, port), StandardCharsets.UTF_8);
            LaunchOptions launch = new LaunchOptions(home, config, true, dir.resolve("state"), Main.deployDir(home), Map.of());
            Launcher launcher = Launcher.start(launch);
            running.set(launcher);
            Signals signals = Signals.open(launcher.framework());
            if (signals != null) {
                signals.reloadOnHangup();
            }
            Path kubeconfig = dir.resolve("admin.kubeconfig");
            out.println();
            out.println("The appliance serves https://127.0.0.1:" + port + " behind the simulated kube-apiserver. Try:");
            for (String kubectl : List.of("top node", "top pod -A", "top pod -n sim-ns-1 --containers",
                    "get --raw /apis/metrics.k8s.io/v1beta1/nodes")) {
                out.println("  kubectl --kubeconfig " + kubeconfig + " " + kubectl);
            }
            out.println("  " + home.resolve("bin/kube-metrics-appliance") + " doctor --config " + config);
            out.println("(metrics appear after two scrapes, about 30 s; configuration: " + config + "; Ctrl-C stops)");
            out.println();
            return launcher.awaitStop();
        } finally {
            stop(simulator);
            try {
                Runtime.getRuntime().removeShutdownHook(stopBoth);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    static String configYaml(Path dir, int port) {
        Path pki = dir.resolve("pki");
        return """
                # Written by `kube-metrics-appliance demo` for the simulated cluster in this directory.
                kubeconfig: %s
                metricResolution: 15s
                server:
                  bindAddress: 127.0.0.1
                  securePort: %d
                  certDir: %s
                kubelet:
                  useNodeStatusPort: true
                  preferredAddressTypes: [InternalIP, Hostname]
                  certificateAuthority: %s
                  auth: kubeconfig        # the appliance's own identity, for kube-apiserver and kubelets alike
                authentication:
                  requestheaderClientCAFile: %s
                  requestheaderAllowedNames: [front-proxy-client]
                registration:             # it registers itself (Lease, Endpoints) in the simulated kube-apiserver
                  advertiseAddress: 127.0.0.1
                  allowLoopback: true     # the simulator accepts loopback Endpoints; a real kube-apiserver does not
                """.formatted(quote(dir.resolve("appliance.kubeconfig")), port, quote(dir.resolve("certs")),
                quote(pki.resolve("ca.crt")), quote(pki.resolve("front-proxy-ca.crt")));
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    static boolean hasSimulator(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getEntry(SIMULATOR_MAIN.replace('.', '/') + ".class") != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The preferred port when it is free on 127.0.0.1, else any free one. */
    static int freePort(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), preferred));
            return preferred;
        } catch (IOException taken) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }

    private static boolean awaitSimulator(Process simulator, Path ready) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SIMULATOR_START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(ready)) {
                return true;
            }
            if (!simulator.isAlive()) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return new ArrayList<>(List.of("(no log: " + e.getMessage() + ")"));
        }
    }
}
