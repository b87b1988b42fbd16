package io.kma.simulator;

import java.net.URI;
import java.nio.file.Path;

/**
 * Everything the CLI accepts, as an immutable record with a builder. Defaults match the CLI.
 */
public record SimulatorOptions(
        Path dir,
        int nodes,
        int podsPerNode,
        int containersPerPod,
        int namespaces,
        KubeletMode kubeletMode,
        String kubeletIpBase,
        int kubeletPort,
        boolean kubeletCertIpSans,
        int apiserverPort,
        URI applianceUrl,
        boolean aggregatorInsecureSkipTlsVerify,
        Path aggregatorCaFile,
        long slowMillis,
        int watchHistory,
        long watchBookmarkSeconds,
        long watchDefaultTimeoutSeconds,
        long availabilityCheckSeconds,
        long proxyTimeoutSeconds,
        int kubeletIoThreads,
        boolean kubeletSelfSignedCerts,
        boolean warmUp) {

    public enum KubeletMode { PORTS, LOOPBACK_IPS }

    /** The most namespaces {@code --namespaces} takes. */
    public static final int MAX_NAMESPACES = 100_000;

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public Builder toBuilder() {
        Builder b = new Builder(dir);
        b.nodes = nodes;
        b.podsPerNode = podsPerNode;
        b.containersPerPod = containersPerPod;
        b.namespaces = namespaces;
        b.kubeletMode = kubeletMode;
        b.kubeletIpBase = kubeletIpBase;
        b.kubeletPort = kubeletPort;
        b.kubeletCertIpSans = kubeletCertIpSans;
        b.apiserverPort = apiserverPort;
        b.applianceUrl = applianceUrl;
        b.aggregatorInsecureSkipTlsVerify = aggregatorInsecureSkipTlsVerify;
        b.aggregatorCaFile = aggregatorCaFile;
        b.slowMillis = slowMillis;
        b.watchHistory = watchHistory;
        b.watchBookmarkSeconds = watchBookmarkSeconds;
        b.watchDefaultTimeoutSeconds = watchDefaultTimeoutSeconds;
        b.availabilityCheckSeconds = availabilityCheckSeconds;
        b.proxyTimeoutSeconds = proxyTimeoutSeconds;
        b.kubeletIoThreads = kubeletIoThreads;
        b.kubeletSelfSignedCerts = kubeletSelfSignedCerts;
        b.warmUp = warmUp;
        return b;
    }

    public static final class Builder {
        private final Path dir;
        private int nodes = 3;
        private int podsPerNode = 10;
        private int containersPerPod = 2;
        private int namespaces;
        private KubeletMode kubeletMode = KubeletMode.PORTS;
        private String kubeletIpBase = "127.1.0.0";
        private int kubeletPort = 10250;
        private boolean kubeletCertIpSans;
        private int apiserverPort;
        private URI applianceUrl;
        private boolean aggregatorInsecureSkipTlsVerify = true;
        private Path aggregatorCaFile;
        private long slowMillis = 3000;
        private int watchHistory = 10_000;
        private long watchBookmarkSeconds = 10;
        private long watchDefaultTimeoutSeconds = 1800;
        private long availabilityCheckSeconds = 30;
        private long proxyTimeoutSeconds = 60;
        private int kubeletIoThreads = 2;
        private boolean kubeletSelfSignedCerts;
        private boolean warmUp;

        private Builder(Path dir) {
            this.dir = dir;
        }

        public Builder nodes(int v) { nodes = v; return this; }
        public Builder podsPerNode(int v) { podsPerNode = v; return this; }
        public Builder containersPerPod(int v) { containersPerPod = v; return this; }
        /** 0 (default): pod j in {@code sim-ns-<j mod 5>}; N: the cluster's pods dealt over N namespaces ({@link LoadProfile}). */
        public Builder namespaces(int v) { namespaces = v; return this; }
        public Builder kubeletMode(KubeletMode v) { kubeletMode = v; return this; }
        public Builder kubeletIpBase(String v) { kubeletIpBase = v; return this; }
        /** The port of every kubelet in loopback-ips mode (10250). */
        public Builder kubeletPort(int v) { kubeletPort = v; return this; }
        public Builder kubeletCertIpSans(boolean v) { kubeletCertIpSans = v; return this; }
        public Builder apiserverPort(int v) { apiserverPort = v; return this; }
        public Builder applianceUrl(URI v) { applianceUrl = v; return this; }
        public Builder aggregatorInsecureSkipTlsVerify(boolean v) { aggregatorInsecureSkipTlsVerify = v; return this; }
        /** Verifies the appliance's serving cert with this CA (turns insecure-skip-tls-verify off). */
        public Builder aggregatorCaFile(Path v) { aggregatorCaFile = v; aggregatorInsecureSkipTlsVerify = v == null; return this; }
        /** How long the "slow" fault delays a kubelet answer (default 3 s). */
        public Builder slowMillis(long v) { slowMillis = v; return this; }
        /** Events kept for watch resume; older resourceVersions get 410 Gone. */
        public Builder watchHistory(int v) { watchHistory = v; return this; }
        public Builder watchBookmarkSeconds(long v) { watchBookmarkSeconds = v; return this; }
        public Builder watchDefaultTimeoutSeconds(long v) { watchDefaultTimeoutSeconds = v; return this; }
        public Builder availabilityCheckSeconds(long v) { availabilityCheckSeconds = v; return this; }
        public Builder proxyTimeoutSeconds(long v) { proxyTimeoutSeconds = v; return this; }
        public Builder kubeletIoThreads(int v) { kubeletIoThreads = v; return this; }
        /**
         * Kubelets serve what kubeadm's kubelets serve without serverTLSBootstrap: a certificate of their own
         * self-signed CA {@code <node>-ca@<unix>}, CN {@code <node>@<unix>}, one DNS SAN {@code <node>}, each its own key.
         */
        public Builder kubeletSelfSignedCerts(boolean v) { kubeletSelfSignedCerts = v; return this; }
        /** Before it is ready, the simulator runs its serving paths until the JIT compiled them ({@link JitWarmUp}). */
        public Builder warmUp(boolean v) { warmUp = v; return this; }

        public SimulatorOptions build() {
            if (nodes < 1 || podsPerNode < 0 || containersPerPod < 1 || namespaces < 0) {
                throw new IllegalArgumentException("need nodes >= 1, pods-per-node >= 0, containers-per-pod >= 1, namespaces >= 0");
            }
            if (namespaces > MAX_NAMESPACES) {
                // every namespace is listed by name: a typo's billion would fill the heap, not a cluster
                throw new IllegalArgumentException("need namespaces <= " + MAX_NAMESPACES + " (Kubernetes tests 10,000), not "
                        + namespaces);
            }
            return new SimulatorOptions(dir, nodes, podsPerNode, containersPerPod, namespaces, kubeletMode, kubeletIpBase, kubeletPort,
                    kubeletCertIpSans, apiserverPort, applianceUrl, aggregatorInsecureSkipTlsVerify, aggregatorCaFile, slowMillis,
                    watchHistory, watchBookmarkSeconds, watchDefaultTimeoutSeconds, availabilityCheckSeconds, proxyTimeoutSeconds,
                    kubeletIoThreads, kubeletSelfSignedCerts, warmUp);
        }
    }
}
