package io.kma.simulator;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * A simulated cluster for the appliance: kube-apiserver (with the aggregator front), N kubelets
 * and the PKI and kubeconfigs that tie them together. {@link #start} returns once everything
 * listens and DIR/simulator.properties is written.
 */
public final class Simulator implements AutoCloseable {
    static {
        // XNIO and Undertow log through jboss-logging; route it to SLF4J like the rest
        System.setProperty("org.jboss.logging.provider", "slf4j");
    }

    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SimulatorOptions options;
    private final Path dir;
    private final long startEpochSecond = Instant.now().getEpochSecond();
    private final ClusterState cluster;
    private final Faults faults;
    private final Authenticator authenticator = new Authenticator();
    private final Policy policy = Policy.defaults();
    private final CertificateSigningRequests csrs = new CertificateSigningRequests(this);
    private final RegistrationObjects registrationObjects = new RegistrationObjects();
    private final LoadProfile profile;
    private Pki.Issued ca;
    private Pki.Issued frontProxyCa;
    private AggregatorProxy aggregator;
    private ApiServiceRegistration registration;
    private Undertow kubelets;
    private Undertow apiserver;
    private URI apiserverUrl;
    private volatile boolean closed;

    private Simulator(SimulatorOptions options) {
        this.options = options;
        this.dir = options.dir().toAbsolutePath();
        this.profile = new LoadProfile(options.nodes(), options.podsPerNode(), options.containersPerPod(), options.namespaces());
        this.cluster = new ClusterState(options.watchHistory(), profile);
        this.faults = new Faults(cluster);
    }

    public static Simulator start(SimulatorOptions options) throws IOException {
        Simulator sim = new Simulator(options);
        try {
            sim.doStart();
            return sim;
        } catch (IOException | RuntimeException e) {
            sim.close();
            throw e;
        }
    }

    private void doStart() throws IOException {
        long t0 = System.nanoTime();
        Path pki = dir.resolve("pki");
        Files.createDirectories(pki);
        ca = loadOrCreateCa(pki, "ca", "kubernetes");
        frontProxyCa = loadOrCreateCa(pki, "front-proxy-ca", "front-proxy-ca");

        Pki.Issued apiserverCert = Pki.issueServer(ca, "kube-apiserver",
                List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"),
                List.of("127.0.0.1"), Pki.newKeyPair());
        Pki.write(pki, "apiserver", apiserverCert);
        Pki.write(pki, "apiserver-kubelet-client", Pki.issueClient(ca, "kube-apiserver-kubelet-client", List.of(Policy.MASTERS), Pki.newKeyPair()));
        Pki.Issued frontProxyClient = Pki.issueClient(frontProxyCa, "front-proxy-client", List.of(), Pki.newKeyPair());
        Pki.write(pki, "front-proxy-client", frontProxyClient);
        Pki.Issued admin = Pki.issueClient(ca, "kubernetes-admin", List.of(Policy.MASTERS), Pki.newKeyPair());
        Pki.write(pki, "admin", admin);
        Pki.Issued appliance = Pki.issueClient(ca, Policy.APPLIANCE_USER, List.of(), Pki.newKeyPair());
        Pki.write(pki, "appliance", appliance);

        String kubeletToken = loadOrCreateToken(dir.resolve("kubelet-token"));
        String viewerToken = loadOrCreateToken(dir.resolve("viewer-token"));
        authenticator.addToken(kubeletToken, Identity.of(Policy.KUBELET_TOKEN_USER,
                List.of("system:serviceaccounts", "system:serviceaccounts:kube-system")));
        authenticator.addToken(viewerToken, Identity.of("jane", List.of("developers")));

        startKubelets();
        long tKubelets = System.nanoTime();

        boolean insecure = options.aggregatorInsecureSkipTlsVerify() || options.aggregatorCaFile() == null;
        SSLContext frontProxyTls = insecure
                ? Pki.sslContext(frontProxyClient, List.of())
                : Pki.sslContext(frontProxyClient, List.of(), Pki.readCerts(Files.readString(options.aggregatorCaFile())).toArray(X509Certificate[]::new));
        aggregator = new AggregatorProxy(this, frontProxyTls);
        registration = new ApiServiceRegistration(aggregator, options.availabilityCheckSeconds(), insecure);
        registration.objects(registrationObjects);

        SSLContext apiTls = Pki.context(new FixedKeyManager(new X509Certificate[]{apiserverCert.cert(), ca.cert()}, apiserverCert.key()),
                Pki.trustManagers(ca.cert()));
        apiserver = Undertow.builder()
                // heap buffers: with direct ones JDK 17 computes each TLS record's GCM tag in
                // GHASH.processBlocksDirect without the intrinsic, which was a third of a pod list's CPU
                .setDirectBuffers(false)
                .setIoThreads(2)
                .setWorkerThreads(64)
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .addHttpsListener(options.apiserverPort(), "127.0.0.1", apiTls)
                .setHandler(new ApiServerHandler(this))
                .build();
        apiserver.start();
        InetSocketAddress addr = (InetSocketAddress) apiserver.getListenerInfo().get(0).getAddress();
        apiserverUrl = URI.create("https://127.0.0.1:" + addr.getPort());

        String caPem = Pki.pem(ca.cert());
        Kubeconfigs.write(dir.resolve("admin.kubeconfig"), Kubeconfigs.certUser(apiserverUrl.toString(), caPem, "kubernetes-admin",
                Pki.pem(admin.cert()), Pki.pem(admin.key())));
        Kubeconfigs.write(dir.resolve("appliance.kubeconfig"), Kubeconfigs.certUser(apiserverUrl.toString(), caPem, Policy.APPLIANCE_USER,
                Pki.pem(appliance.cert()), Pki.pem(appliance.key())));
        Kubeconfigs.write(dir.resolve("viewer.kubeconfig"), Kubeconfigs.tokenUser(apiserverUrl.toString(), caPem, "jane", viewerToken));
        writeKubeletList();
        if (options.applianceUrl() != null) {
            registerAppliance(options.applianceUrl());
        }
        if (options.warmUp()) {
            JitWarmUp.run(this, dir, JitWarmUp.HANDSHAKES);
        }
        writeProperties();
        LOG.info("simulator started: {} nodes x {} pods x {} containers, kubelets {} ms, total {} ms, apiserver {}",
                options.nodes(), options.podsPerNode(), options.containersPerPod(), (tKubelets - t0) / 1_000_000,
                (System.nanoTime() - t0) / 1_000_000, apiserverUrl);
    }

    private void startKubelets() throws IOException {
        int n = options.nodes();
        KeyPair kubeletKey = Pki.newKeyPair();
        PrivateKey signingKey = GoSpeedCrypto.signingKey(kubeletKey.getPrivate()); // benchmark fidelity
        TrustManager[] clientTrust = Pki.trustManagers(ca.cert());
        Pki.write(dir.resolve("pki"), "kubelet-shared", new Pki.Issued(
                Pki.issueServer(ca, "sim-node-0", List.of("sim-node-0"), List.of(), kubeletKey).cert(), kubeletKey.getPrivate()));
        String[] addresses = new String[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = options.kubeletMode() == SimulatorOptions.KubeletMode.PORTS ? "127.0.0.1" : loopbackAddress(i);
        }
        // signing dominates start time at 5,000 nodes: use both cores
        SSLContext[] contexts = new SSLContext[n];
        long created = Instant.now().getEpochSecond();
        IntStream.range(0, n).parallel().forEach(i -> {
            List<String> ips = options.kubeletCertIpSans() ? List.of(addresses[i]) : List.of();
            if (options.kubeletSelfSignedCerts()) {
                // kubelet's InitializeTLS without serverTLSBootstrap: its own CA, CN <hostname>@<unix>, SAN <hostname>
                String host = LoadProfile.nodeName(i);
                Pki.Issued own = Pki.newCa(host + "-ca@" + created);
                Pki.Issued cert = Pki.issueServer(own, host + "@" + created, List.of(host), ips, Pki.newKeyPair());
                contexts[i] = Pki.context(new FixedKeyManager(new X509Certificate[]{cert.cert(), own.cert()},
                        GoSpeedCrypto.signingKey(cert.key())),
                        clientTrust);
                return;
            }
            Pki.Issued cert = Pki.issueServer(ca, LoadProfile.nodeName(i), List.of(LoadProfile.nodeName(i)), ips, kubeletKey);
            contexts[i] = Pki.context(new FixedKeyManager(new X509Certificate[]{cert.cert(), ca.cert()}, signingKey), clientTrust);
        });
        Undertow.Builder b = Undertow.builder()
                .setIoThreads(options.kubeletIoThreads())
                .setWorkerThreads(8)
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .setSocketOption(Options.BACKLOG, 128)
                // the kubelet's http.Server closes keep-alive connections idle for 90 s
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 90_000)
                // h2 offered through ALPN as the kubelet's Go net/http server does, so a client that takes it shows here
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true);
        long now = Instant.now().getEpochSecond();
        List<SimNode> nodes = new ArrayList<>(n);
        Map<SSLContext, SimNode> byContext = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("beta.kubernetes.io/arch", "amd64");
            labels.put("beta.kubernetes.io/os", "linux");
            labels.put("kubernetes.io/arch", "amd64");
            labels.put("kubernetes.io/hostname", LoadProfile.nodeName(i));
            labels.put("kubernetes.io/os", "linux");
            if (i == 0) {
                labels.put("node-role.kubernetes.io/control-plane", "");
            }
            int port = options.kubeletMode() == SimulatorOptions.KubeletMode.PORTS ? 0 : options.kubeletPort();
            SimNode node = new SimNode(i, addresses[i], port, now - 86_400 + i % 3600, now - 86_400 * 7, Map.copyOf(labels));
            nodes.add(node);
            byContext.put(contexts[i], node);
            b.addListener(new Undertow.ListenerBuilder().setType(Undertow.ListenerType.HTTPS).setHost(addresses[i]).setPort(port)
                    .setSslContext(contexts[i]).setRootHandler(new KubeletHandler(node, faults, authenticator, policy, options.slowMillis())));
        }
        kubelets = b.build();
        kubelets.start();
        for (Undertow.ListenerInfo li : kubelets.getListenerInfo()) {
            SimNode node = byContext.get(li.getSslContext());
            if (node != null) {
                node.port = ((InetSocketAddress) li.getAddress()).getPort();
            }
        }
        for (SimNode node : nodes) {
            cluster.addNode(node);
        }
        for (SimNode node : nodes) {
            cluster.addInitialPods(node, options.podsPerNode(), now);
        }
    }

    private String loopbackAddress(int i) {
        try {
            byte[] base = InetAddress.getByName(options.kubeletIpBase()).getAddress();
            long v = ((base[0] & 0xffL) << 24 | (base[1] & 0xffL) << 16 | (base[2] & 0xffL) << 8 | (base[3] & 0xffL)) + i + 1;
            String ip = ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
            if (!ip.startsWith("127.")) {
                throw new IllegalArgumentException("kubelet address " + ip + " leaves 127.0.0.0/8; lower --nodes or --kubelet-ip-base");
            }
            return ip;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bad --kubelet-ip-base " + options.kubeletIpBase());
        }
    }

    private static Pki.Issued loadOrCreateCa(Path pki, String name, String cn) throws IOException {
        Path crt = pki.resolve(name + ".crt");
        Path key = pki.resolve(name + ".key");
        if (Files.exists(crt) && Files.exists(key)) {
            LOG.info("reusing {} from {}", name, crt);
            return new Pki.Issued(Pki.readCert(crt), Pki.readKey(key));
        }
        Pki.Issued issued = Pki.newCa(cn);
        Pki.write(pki, name, issued);
        return issued;
    }

    private static String loadOrCreateToken(Path file) throws IOException {
        if (Files.exists(file)) {
            String t = Files.readString(file).trim();
            if (!t.isEmpty()) {
                return t;
            }
        }
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Pki.writeAtomic(file, token + "\n", true);
        return token;
    }

    private void writeKubeletList() throws IOException {
        StringBuilder sb = new StringBuilder("# node address port\n");
        for (SimNode n : cluster.nodes()) {
            sb.append(n.name).append(' ').append(n.address).append(' ').append(n.port).append('\n');
        }
        Pki.writeAtomic(dir.resolve("kubelets.txt"), sb.toString(), false);
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("apiserver.url", apiserverUrl.toString());
        p.setProperty("nodes", Integer.toString(options.nodes()));
        p.setProperty("pods.per.node", Integer.toString(options.podsPerNode()));
        p.setProperty("containers.per.pod", Integer.toString(options.containersPerPod()));
        p.setProperty("kubelet.mode", options.kubeletMode() == SimulatorOptions.KubeletMode.PORTS ? "ports" : "loopback-ips");
        p.setProperty("kubelet.list", dir.resolve("kubelets.txt").toString());
        p.setProperty("admin.kubeconfig", dir.resolve("admin.kubeconfig").toString());
        p.setProperty("appliance.kubeconfig", dir.resolve("appliance.kubeconfig").toString());
        p.setProperty("viewer.kubeconfig", dir.resolve("viewer.kubeconfig").toString());
        p.setProperty("kubelet.token.file", dir.resolve("kubelet-token").toString());
        p.setProperty("pki.dir", dir.resolve("pki").toString());
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("appliance.url", options.applianceUrl() == null ? "" : options.applianceUrl().toString());
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, "kube-metrics-appliance simulator");
        Pki.writeAtomic(dir.resolve("simulator.properties"), w.toString(), false);
    }

    /** The extension-apiserver-authentication ConfigMap data, JSON arrays as Kubernetes stores them. */
    Map<String, String> authConfigMapData() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client-ca-file", Pki.pem(ca.cert()));
        m.put("requestheader-allowed-names", "[\"front-proxy-client\"]");
        m.put("requestheader-client-ca-file", Pki.pem(frontProxyCa.cert()));
        m.put("requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]");
        m.put("requestheader-group-headers", "[\"X-Remote-Group\"]");
        m.put("requestheader-username-headers", "[\"X-Remote-User\"]");
        return m;
    }

    /** Points the APIService v1beta1.metrics.k8s.io at a Service: requests go to its Endpoints' ready addresses in turn. */
    public void registerApplianceService(String namespace, String name) {
        registration.registerService(namespace, name);
    }

    /** Registers (or with null unregisters) the appliance as the APIService v1beta1.metrics.k8s.io backend. */
    public void registerAppliance(URI url) {
        registration.register(url);
    }

    public URI apiserverUrl() {
        return apiserverUrl;
    }

    public Path dir() {
        return dir;
    }

    public Faults faults() {
        return faults;
    }

    public LoadProfile profile() {
        return profile;
    }

    public ClusterState cluster() {
        return cluster;
    }

    public Policy policy() {
        return policy;
    }

    public SimulatorOptions options() {
        return options;
    }

    public ApiServiceRegistration registration() {
        return registration;
    }

    Pki.Issued ca() {
        return ca;
    }

    /** The CertificateSigningRequest API and its kube-apiserver-client signer. */
    public CertificateSigningRequests csrs() {
        return csrs;
    }

    /** kube-controller-manager's {@code --cluster-signing-duration} (default 365 days). */
    public void csrSigningDuration(java.time.Duration d) {
        csrs.signingDuration(d);
    }

    /** Endpoints, EndpointSlices and Leases: what self-registering appliances write. */
    public RegistrationObjects registrationObjects() {
        return registrationObjects;
    }

    public X509Certificate caCertificate() {
        return ca.cert();
    }

    public X509Certificate frontProxyCaCertificate() {
        return frontProxyCa.cert();
    }

    /** Where node i's kubelet listens. */
    public InetSocketAddress kubeletAddress(int i) {
        SimNode n = cluster.node(i);
        return new InetSocketAddress(n.address, n.port);
    }

    Authenticator authenticator() {
        return authenticator;
    }

    AggregatorProxy aggregator() {
        return aggregator;
    }

    long startEpochSecond() {
        return startEpochSecond;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.close();
        }
        if (apiserver != null) {
            apiserver.stop();
        }
        if (kubelets != null) {
            kubelets.stop();
        }
        LOG.info("simulator stopped");
    }
}
