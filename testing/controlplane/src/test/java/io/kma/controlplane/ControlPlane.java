package io.kma.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.kma.simulator.Pki;

/**
 * etcd, kube-apiserver and kube-controller-manager in the control-plane namespace, with a PKI made here the way
 * kubeadm lays it out (cluster CA, front-proxy CA and client, service-account keys), plus the simulator's kubelets
 * registered as Nodes. kube-apiserver runs with the aggregation flags kubeadm sets and
 * {@code --enable-aggregator-routing=true}, authorization {@code Node,RBAC}; kube-controller-manager runs the
 * Deployment, ReplicaSet, HPA (short sync period) and CSR-signing controllers.
 */
final class ControlPlane implements AutoCloseable {
    static final String SERVER = "https://" + Network.CONTROL_PLANE_IP + ":6443";
    static final int NODES = 2;
    static final int FIRST_KUBELET_PORT = 10250;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Prerequisites tools;
    private final Network network;
    private final Path work;
    private final Path pki;
    private final Path etcdData;
    private final List<Proc> processes = new ArrayList<>();
    private Proc apiserver;

    private ControlPlane(Prerequisites tools, Network network, Path work) {
        this.tools = tools;
        this.network = network;
        this.work = work;
        this.pki = work.resolve("pki");
        // etcd fsyncs every write; on tmpfs that costs nothing and the data is thrown away anyway
        this.etcdData = etcdRoot(work).resolve(ETCD_PREFIX + ProcessHandle.current().pid());
    }

    private static final String ETCD_PREFIX = "kma-controlplane-etcd-";

    private static Path etcdRoot(Path work) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm : work;
    }

    /** etcd data directories of runs whose JVM is gone (a run killed before its teardown). */
    static void removeStaleEtcdData() throws InterruptedException {
        Path root = etcdRoot(Path.of("."));
        try (java.util.stream.Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(d -> d.getFileName().toString().startsWith(ETCD_PREFIX)).toList()) {
                String pid = p.getFileName().toString().substring(ETCD_PREFIX.length());
                if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    removeTree(p);
                }
            }
        } catch (IOException e) {
            System.err.println("controlplane: cannot list " + root + ": " + e.getMessage());
        }
    }

    private static void removeTree(Path dir) throws InterruptedException {
        try {
            Proc.Result r = Proc.run(Duration.ofSeconds(30), List.of("rm", "-rf", "--one-file-system", dir.toString()));
            if (!r.ok()) {
                System.err.println("controlplane: could not remove " + dir + ": " + r.output());
            }
        } catch (IOException e) {
            System.err.println("controlplane: could not remove " + dir + ": " + e.getMessage());
        }
    }

    static ControlPlane start(Prerequisites tools, Network network, Path work) throws Exception {
        ControlPlane cp = new ControlPlane(tools, network, work);
        try {
            cp.writePki();
            cp.startProcesses();
            return cp;
        } catch (Exception | Error e) {
            cp.close();
            throw e;
        }
    }

    Path pki() {
        return pki;
    }

    Path adminKubeconfig() {
        return work.resolve("admin.kubeconfig");
    }

    private void writePki() throws IOException {
        Files.createDirectories(pki);
        Pki.Issued ca = Pki.newCa("kubernetes");
        Pki.write(pki, "ca", ca);
        Pki.write(pki, "apiserver", Pki.issueServer(ca, "kube-apiserver",
                List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"),
                List.of(Network.CONTROL_PLANE_IP, "10.97.0.1", "127.0.0.1"), Pki.newKeyPair()));
        Pki.Issued frontProxyCa = Pki.newCa("front-proxy-ca");
        Pki.write(pki, "front-proxy-ca", frontProxyCa);
        Pki.write(pki, "front-proxy-client", Pki.issueClient(frontProxyCa, "front-proxy-client", List.of(), Pki.newKeyPair()));
        KeyPair sa = Pki.newKeyPair();
        Pki.writeAtomic(pki.resolve("sa.key"), Pki.pem(sa.getPrivate()), true);
        Pki.writeAtomic(pki.resolve("sa.pub"), Pki.pem(sa.getPublic()), false);
        // kube-controller-manager and the simulated kubelets use the admin identity: the controllers then need no
        // service-account credentials (no token controller), and the kubelets write any Node and pod status
        Pki.write(pki, "admin", Pki.issueClient(ca, "kubernetes-admin", List.of("system:masters"), Pki.newKeyPair()));
        Files.writeString(adminKubeconfig(), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: controlplane-test
                  cluster:
                    server: %1$s
                    certificate-authority: %2$s/ca.crt
                contexts:
                - name: admin@controlplane-test
                  context:
                    cluster: controlplane-test
                    user: kubernetes-admin
                current-context: admin@controlplane-test
                users:
                - name: kubernetes-admin
                  user:
                    client-certificate: %2$s/admin.crt
                    client-key: %2$s/admin.key
                """.formatted(SERVER, pki));
    }

    private void startProcesses() throws Exception {
        String cp = network.controlPlane();
        Path logs = work.resolve("logs");
        processes.add(Proc.start("etcd", logs.resolve("etcd.log"), Network.in(cp, tools.etcd().toString(),
                "--name", "controlplane-test", "--data-dir", etcdData.toString(),
                "--listen-client-urls", "http://127.0.0.1:2379", "--advertise-client-urls", "http://127.0.0.1:2379",
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "controlplane-test=http://127.0.0.1:2380", "--log-level", "warn")));
        apiserver = Proc.start("kube-apiserver", logs.resolve("kube-apiserver.log"), Network.in(cp, tools.kubeApiserver().toString(),
                "--advertise-address=" + Network.CONTROL_PLANE_IP, "--bind-address=" + Network.CONTROL_PLANE_IP,
                "--secure-port=6443", "--insecure-port=0",
                "--etcd-servers=http://127.0.0.1:2379", "--service-cluster-ip-range=10.97.0.0/24",
                "--client-ca-file=" + pki.resolve("ca.crt"),
                "--tls-cert-file=" + pki.resolve("apiserver.crt"), "--tls-private-key-file=" + pki.resolve("apiserver.key"),
                "--authorization-mode=Node,RBAC",
                // the simulated pods mount no service-account token (there is no token controller)
                "--disable-admission-plugins=ServiceAccount",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                "--requestheader-client-ca-file=" + pki.resolve("front-proxy-ca.crt"),
                "--requestheader-allowed-names=front-proxy-client",
                "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--proxy-client-cert-file=" + pki.resolve("front-proxy-client.crt"),
                "--proxy-client-key-file=" + pki.resolve("front-proxy-client.key"),
                "--enable-aggregator-routing=true",
                "--profiling=false", "--v=1"));
        processes.add(apiserver);
        await("kube-apiserver /readyz", READY_TIMEOUT, () -> {
            try {
                return kubectl("get", "--raw", "/readyz").output().strip().equals("ok");
            } catch (Exception e) {
                return false;
            }
        });
        processes.add(Proc.start("kube-controller-manager", logs.resolve("kube-controller-manager.log"),
                Network.in(cp, tools.kubeControllerManager().toString(),
                        "--kubeconfig=" + adminKubeconfig(), "--leader-elect=false", "--port=0", "--secure-port=0",
                        "--controllers=deployment,replicaset,horizontalpodautoscaling,csrsigning",
                        "--cluster-signing-cert-file=" + pki.resolve("ca.crt"),
                        "--cluster-signing-key-file=" + pki.resolve("ca.key"),
                        // the test waits for scaling: react within seconds, and count new pods as soon as they are Ready
                        "--horizontal-pod-autoscaler-sync-period=5s",
                        "--horizontal-pod-autoscaler-cpu-initialization-period=10s",
                        "--horizontal-pod-autoscaler-initial-readiness-delay=5s",
                        "--v=1")));
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Proc kubelets = Proc.start("kubelets", logs.resolve("kubelets.log"), Network.in(cp, java.toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.kma.simulator.Main", "kubelets",
                "--server", SERVER, "--ca-cert", pki.resolve("ca.crt").toString(), "--ca-key", pki.resolve("ca.key").toString(),
                "--client-cert", pki.resolve("admin.crt").toString(), "--client-key", pki.resolve("admin.key").toString(),
                "--address", Network.CONTROL_PLANE_IP, "--nodes", Integer.toString(NODES),
                "--first-port", Integer.toString(FIRST_KUBELET_PORT)));
        processes.add(kubelets);
        await("the simulated kubelets registered as nodes", READY_TIMEOUT, () -> {
            try {
                return kubectl("get", "nodes", "-o", "name").output().split("\n").length == NODES
                        && kubelets.tail(50).contains("kubelets ready");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The real kubectl in the control-plane namespace, as the admin; bounded to 60 s. */
    Proc.Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(tools.kubectl().toString(), "--kubeconfig", adminKubeconfig().toString(),
                "--cache-dir", work.resolve("kube-cache").toString()));
        c.addAll(List.of(args));
        return Proc.run(Duration.ofSeconds(60), Network.in(network.controlPlane(), c.toArray(String[]::new)));
    }

    /** A raw HTTPS request through kube-apiserver (and so its aggregator) as the admin: status code and body. */
    Proc.Result curl(String path) throws IOException, InterruptedException {
        Proc.Result r = Proc.run(Duration.ofSeconds(30), Network.in(network.controlPlane(), tools.curl().toString(), "-sS",
                "--max-time", "20", "--cacert", pki.resolve("ca.crt").toString(), "--cert", pki.resolve("admin.crt").toString(),
                "--key", pki.resolve("admin.key").toString(), "-w", "\n%{http_code}", SERVER + path));
        String out = r.output();
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1).strip();
        return new Proc.Result(code.matches("\\d{3}") ? Integer.parseInt(code) : -1, nl < 0 ? out : out.substring(0, nl));
    }

    /** Waits (bounded) for {@code condition}; fails naming it and the processes that died. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            for (Proc p : processes) {
                if (!p.isAlive()) {
                    throw new AssertionError(p.name() + " exited while waiting for " + what + "; its log ends:\n" + p.tail(30));
                }
            }
            Thread.sleep(500);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what
                    + (apiserver == null ? "" : "; kube-apiserver log ends:\n" + apiserver.tail(15)));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(10));
        }
        processes.clear();
        removeTree(etcdData);
    }
}
