package io.kma.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One control-plane host's appliance: the real distribution, run as its own process inside the host's network
 * namespace (and its own UTS namespace, so each host has its own hostname as real masters do), with its own
 * identity obtained by {@code identity --approve} through the real CSR API and kube-controller-manager's signer.
 */
final class ApplianceHost implements AutoCloseable {
    static final int PORT = 4443;

    private final int index;
    private final String namespace;
    private final Path dir;
    private final Path dist;
    private final ControlPlane controlPlane;
    private Proc process;
    private int starts;

    ApplianceHost(int index, String namespace, Path dir, Path dist, ControlPlane controlPlane) {
        this.index = index;
        this.namespace = namespace;
        this.dir = dir;
        this.dist = dist;
        this.controlPlane = controlPlane;
    }

    String hostname() {
        return "kma-master-" + index;
    }

    String ip() {
        return Network.applianceIp(index);
    }

    /** The launcher script run as {@code hostname()} inside this host's namespace. */
    private List<String> command(String... args) {
        List<String> c = new ArrayList<>(Network.in(namespace, "unshare", "--uts", "sh", "-c",
                "hostname \"$0\" && exec \"$@\"", hostname(), dist.resolve("bin/kube-metrics-appliance").toString()));
        c.addAll(List.of(args));
        // the environment reaches the launcher through env(1): ip netns exec keeps it, sh passes it on
        c.addAll(0, List.of("env", "KMA_STATE_DIR=" + dir.resolve("state"), "KMA_DEPLOY_DIR=" + dir.resolve("deploy")));
        return c;
    }

    /** {@code identity --approve} with the admin kubeconfig: a CSR, approved and signed by the real control plane. */
    void obtainIdentity() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Proc.Result r = Proc.run(Duration.ofSeconds(120), command("identity", "--approve", "--kubeconfig",
                controlPlane.adminKubeconfig().toString(), "--dir", dir.resolve("identity").toString(), "--owner", "root"));
        assertEquals(0, r.exit(), "identity --approve on " + hostname() + ":\n" + r.output());
    }

    Path identityKubeconfig() {
        return dir.resolve("identity/kubeconfig");
    }

    void writeConfig(String extra) throws IOException {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("config.yaml"), """
                kubeconfig: %1$s
                metricResolution: 5s
                server:
                  bindAddress: 0.0.0.0
                  securePort: %2$d
                  certDir: %3$s/certs
                kubelet:
                  requestTimeout: 3s
                  useNodeStatusPort: true
                  preferredAddressTypes: [InternalIP]
                  certificateAuthority: %4$s/ca.crt
                  tlsVerification: ca
                  pinDirectory: %3$s/kubelet-pins
                authentication:
                  requestheaderClientCAFile: %4$s/front-proxy-ca.crt
                  requestheaderAllowedNames: [front-proxy-client]
                %5$s""".formatted(identityKubeconfig(), PORT, dir, controlPlane.pki(), extra));
    }

    void start() throws IOException {
        starts++;
        process = Proc.start("appliance " + hostname(), dir.resolve("appliance-" + starts + ".log"),
                command("run", "--config", dir.resolve("config.yaml").toString()));
    }

    Proc process() {
        return process;
    }

    /** SIGTERM, as systemctl stop sends it; the exit code (-1 if it had to be killed after 30 s). */
    int stop() throws InterruptedException {
        return process == null ? 0 : process.stop(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }
}
