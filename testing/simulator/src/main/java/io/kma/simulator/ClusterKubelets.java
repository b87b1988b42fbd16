package io.kma.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Simulated kubelets for a <em>real</em> kube-apiserver ({@code Main kubelets}): each node's {@code /metrics/resource}
 * listens on {@code address:firstPort+i} with a serving certificate of the cluster CA (SANs: the node name and the
 * address) and authorization by SubjectAccessReview (as kubeadm's kubelets: the RBAC the caller was given decides), is
 * registered as a Node object (InternalIP and Hostname addresses, the kubelet port in
 * {@code daemonEndpoints}, Ready), and {@link PodLifecycle} acts for the pods: there is no scheduler and no kubelet,
 * so pending pods are bound here, set Running/Ready, and reported with the {@link LoadProfile} figures of their
 * (node, index) — so a real Deployment's pods get metrics.
 */
public final class ClusterKubelets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterKubelets.class);

    /**
     * @param server     kube-apiserver URL
     * @param caCert     the cluster CA: issues the kubelets' serving certificates, verifies clients (the appliance)
     * @param clientCert a kube-apiserver identity allowed to create nodes, bind pods and write pod status
     */
    public record Config(URI server, Path caCert, Path caKey, Path clientCert, Path clientKey, String address, int nodes,
                         int firstPort) {
    }

    private final Config config;
    private final List<SimNode> nodes = new ArrayList<>();
    private final KubeApi api;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pod-lifecycle");
        t.setDaemon(true);
        return t;
    });
    private Undertow kubelets;

    private ClusterKubelets(Config config, KubeApi api) {
        this.config = config;
        this.api = api;
    }

    public static ClusterKubelets start(Config config) throws IOException {
        Pki.Issued ca = new Pki.Issued(Pki.readCert(config.caCert()), Pki.readKey(config.caKey()));
        Pki.Issued client = new Pki.Issued(Pki.readCert(config.clientCert()), Pki.readKey(config.clientKey()));
        ClusterKubelets k = new ClusterKubelets(config, new KubeApi(config.server(), Pki.sslContext(client, List.of(), ca.cert())));
        try {
            k.listen(ca);
            k.register();
            PodLifecycle pods = new PodLifecycle(k.api, k.nodes);
            k.loop.scheduleWithFixedDelay(pods::syncQuietly, 0, 500, TimeUnit.MILLISECONDS);
            return k;
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
    }

    private void listen(Pki.Issued ca) {
        long now = Instant.now().getEpochSecond();
        TrustManager[] clientTrust = Pki.trustManagers(ca.cert());
        Faults faults = new Faults(new ClusterState(16, new LoadProfile(0, 0, 1)));
        Authenticator authenticator = new Authenticator();
        // who may read metrics is decided by kube-apiserver (ReviewedKubeletHandler); past that, anyone authenticated
        Policy policy = new Policy().add(Policy.resourceRule(Set.of("group:" + Identity.AUTHENTICATED), Set.of("get"), Set.of(""),
                Set.of("nodes/metrics", "nodes/stats")));
        // h2 offered through ALPN as a real kubelet's Go net/http server does, so a client that takes it shows here
        Undertow.Builder b = Undertow.builder().setIoThreads(1).setWorkerThreads(4)
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true);
        for (int i = 0; i < config.nodes(); i++) {
            String name = LoadProfile.nodeName(i);
            Pki.Issued cert = Pki.issueServer(ca, name, List.of(name), List.of(config.address()), Pki.newKeyPair());
            SimNode node = new SimNode(i, config.address(), config.firstPort() + i, now - 3600, now - 3600, nodeLabels(name));
            nodes.add(node);
            b.addListener(new Undertow.ListenerBuilder().setType(Undertow.ListenerType.HTTPS).setHost(config.address())
                    .setPort(node.port)
                    .setSslContext(Pki.context(new FixedKeyManager(new X509Certificate[]{cert.cert(), ca.cert()}, cert.key()), clientTrust))
                    .setRootHandler(new ReviewedKubeletHandler(name, api, authenticator,
                            new KubeletHandler(node, faults, authenticator, policy, 3000))));
        }
        kubelets = b.build();
        kubelets.start();
    }

    private static Map<String, String> nodeLabels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        return Map.copyOf(labels);
    }

    /** Creates each Node as a kubelet registers itself, then writes its status (addresses, port, capacity, Ready). */
    private void register() throws IOException {
        for (SimNode node : nodes) {
            ObjectNode body = KubeApi.json().createObjectNode().put("apiVersion", "v1").put("kind", "Node");
            ObjectNode meta = body.putObject("metadata").put("name", node.name);
            node.labels.forEach(meta.putObject("labels")::put);
            try {
                api.send("POST", "/api/v1/nodes", null, body);
            } catch (KubeApi.ApiException e) {
                if (e.code != 409) {
                    throw e;
                }
            }
            ObjectNode patch = KubeApi.json().createObjectNode();
            patch.set("status", status(node));
            api.send("PATCH", "/api/v1/nodes/" + node.name + "/status", KubeApi.MERGE_PATCH, patch);
            LOG.info("node {} registered: kubelet https://{}:{}", node.name, node.address, node.port);
        }
    }

    private static ObjectNode status(SimNode node) {
        ObjectNode s = KubeApi.json().createObjectNode();
        ArrayNode addresses = s.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", node.address);
        addresses.addObject().put("type", "Hostname").put("address", node.name);
        s.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", node.port);
        for (String field : List.of("capacity", "allocatable")) {
            s.putObject(field).put("cpu", Integer.toString(LoadProfile.NODE_CPU_CORES))
                    .put("memory", (LoadProfile.NODE_MEMORY_BYTES / 1024) + "Ki").put("pods", "110");
        }
        String now = Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z");
        s.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady")
                .put("message", "simulated kubelet is posting ready status").put("lastHeartbeatTime", now)
                .put("lastTransitionTime", now);
        s.putObject("nodeInfo").put("kubeletVersion", "v1.20.2").put("kubeProxyVersion", "v1.20.2")
                .put("operatingSystem", "linux").put("architecture", "amd64").put("containerRuntimeVersion", "simulated://1")
                .put("osImage", "kube-metrics-appliance simulator").put("kernelVersion", "").put("machineID", "")
                .put("systemUUID", "").put("bootID", node.uid());
        return s;
    }

    /**
     * {@code Main kubelets ...}: runs until SIGTERM, or until the parent process is gone (a test that died must not
     * leave kubelets behind). Prints {@code kubelets ready: N nodes} once every node is registered.
     */
    static void command(Deque<String> args) throws IOException {
        Map<String, String> o = new HashMap<>(Map.of("--nodes", "2", "--first-port", "10250"));
        List<String> required = List.of("--server", "--ca-cert", "--ca-key", "--client-cert", "--client-key", "--address");
        while (!args.isEmpty()) {
            String flag = args.poll();
            if (!required.contains(flag) && !o.containsKey(flag) || args.isEmpty()) {
                throw new IllegalArgumentException("kubelets: unknown option or missing value: " + flag);
            }
            o.put(flag, args.poll());
        }
        for (String flag : required) {
            if (!o.containsKey(flag)) {
                throw new IllegalArgumentException("kubelets needs " + flag);
            }
        }
        Config config = new Config(URI.create(o.get("--server")), Path.of(o.get("--ca-cert")), Path.of(o.get("--ca-key")),
                Path.of(o.get("--client-cert")), Path.of(o.get("--client-key")), o.get("--address"),
                Integer.parseInt(o.get("--nodes")), Integer.parseInt(o.get("--first-port")));
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        ClusterKubelets kubelets = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kubelets.close();
            stopped.countDown();
        }, "kubelets-shutdown"));
        System.out.println("kubelets ready: " + config.nodes() + " nodes");
        System.out.flush();
        try {
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (parent != null && !parent.isAlive()) {
                    LOG.info("parent process gone; exiting");
                    System.exit(0);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<SimNode> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (kubelets != null) {
            kubelets.stop();
        }
    }
}
