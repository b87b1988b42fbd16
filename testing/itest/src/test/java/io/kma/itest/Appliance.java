package io.kma.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.kma.launcher.LaunchOptions;
import io.kma.launcher.Launcher;
import io.kma.testsupport.LoopbackPorts;

/**
 * The real distribution (assembly/target/kube-metrics-appliance) booted on the real Felix in this
 * JVM through the launcher, with its own config file, state and deploy directories; the system bundle also exports
 * the DS runtime API from this class path, for {@link Components}.
 */
final class Appliance implements AutoCloseable {

    private final Launcher launcher;
    private final Path workDir;
    private final int port;
    private final HttpClient anonymous;

    private Appliance(Launcher launcher, Path workDir, int port) throws Exception {
        this.launcher = launcher;
        this.workDir = workDir;
        this.port = port;
        this.anonymous = TlsClients.client(null, null, null);
    }

    /** The unpacked distribution the tests run. */
    static Path distribution() {
        String dist = System.getProperty("kma.dist", "../../assembly/target/kube-metrics-appliance");
        Path p = Path.of(dist).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("bundles"))) {
            fail("no distribution at " + p + ": build it first (mvn -B install -DskipTests, or run mvn -B verify from the root)");
        }
        return p;
    }

    /**
     * Boots the appliance with {@code configYaml} (the port in it must be {@code port}).
     */
    static Appliance start(Path workDir, int port, String configYaml) throws Exception {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("config.yaml");
        Files.writeString(config, configYaml);
        Path deploy = Files.createDirectories(workDir.resolve("deploy"));
        LaunchOptions options = new LaunchOptions(distribution(), config, true, workDir.resolve("state"), deploy,
                Components.SYSTEM_PACKAGES);
        return new Appliance(Launcher.start(options), workDir, port);
    }

    /**
     * Boots the appliance with no cluster (its kubeconfig does not exist) on a free port of 127.0.0.1, and waits
     * (bounded) until {@code /livez} answers 200.
     */
    static Appliance startWithoutCluster(Path workDir) throws Exception {
        int port = freePort();
        Appliance appliance = start(workDir, port, """
                kubeconfig: %s/absent.kubeconfig
                server:
                  bindAddress: 127.0.0.1
                  securePort: %d
                  certDir: %s/certs
                """.formatted(workDir, port, workDir));
        appliance.awaitStatus("/livez", 200, Duration.ofSeconds(20));
        return appliance;
    }

    /** A free TCP port on 127.0.0.1 (see {@link LoopbackPorts}: not one the simulator's own binds can take). */
    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }

    Launcher launcher() {
        return launcher;
    }

    BundleContext context() {
        return launcher.framework().getBundleContext();
    }

    List<Bundle> bundles() {
        return new ArrayList<>(Arrays.asList(context().getBundles()));
    }

    Bundle bundle(String symbolicName) {
        return bundles().stream().filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    Map<String, String> componentStates() {
        return Components.states(context());
    }

    int port() {
        return port;
    }

    Path workDir() {
        return workDir;
    }

    Path deployDir() {
        return workDir.resolve("deploy");
    }

    URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    /** GET over HTTPS without a client certificate; status -1 when nothing answers. */
    HttpResponse<String> get(String path) {
        return get(anonymous, path);
    }

    HttpResponse<String> get(HttpClient client, String path, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
            if (headers.length > 0) {
                b.headers(headers);
            }
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int status(String path) {
        HttpResponse<String> r = get(path);
        return r == null ? -1 : r.statusCode();
    }

    /** Waits (bounded) until {@code path} answers {@code status}. */
    void awaitStatus(String path, int status, Duration timeout) throws InterruptedException {
        await("GET " + path + " → " + status, timeout, () -> status(path) == status);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        if (!condition.getAsBoolean()) {
            fail("timed out after " + timeout + " waiting for: " + what);
        }
    }

    @Override
    public void close() {
        launcher.close();
    }
}
