package io.kma.metrics.api.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.kma.api.auth.AccessRequest;
import io.kma.api.auth.AccessReviewer;
import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.TokenReviewer;
import io.kma.api.auth.UserInfo;
import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/** Small in-memory stand-ins for the pure-logic collaborators. */
final class Fakes {

    private Fakes() {
    }

    static final class Cluster implements ClusterView {
        final TreeMap<String, NodeInfo> nodes = new TreeMap<>();
        final TreeMap<String, PodInfo> pods = new TreeMap<>(); // key "ns\0name" sorts by namespace, then name

        void add(NodeInfo n) {
            nodes.put(n.name(), n);
        }

        void add(PodInfo p) {
            pods.put(p.namespace() + "\0" + p.name(), p);
        }

        @Override public Collection<NodeInfo> nodes() {
            return List.copyOf(nodes.values());
        }

        @Override public Optional<NodeInfo> node(String name) {
            return Optional.ofNullable(nodes.get(name));
        }

        @Override public Collection<PodInfo> pods() {
            return new ArrayList<>(pods.values());
        }

        @Override public Collection<PodInfo> pods(String namespace) {
            return new ArrayList<>(pods.subMap(namespace + "\0", namespace + "\1").values());
        }

        @Override public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.ofNullable(pods.get(namespace + "\0" + name));
        }

        @Override public boolean nodesSynced() {
            return true;
        }

        @Override public boolean podsSynced() {
            return true;
        }
    }

    static final class Store implements MetricsStore {
        final Map<String, NodeUsage> nodes = new HashMap<>();
        final Map<String, PodUsage> pods = new HashMap<>();
        volatile boolean ready = true;

        @Override public void store(ScrapeBatch batch) {
            throw new UnsupportedOperationException();
        }

        @Override public void storeNode(NodeScrape scrape) {
            throw new UnsupportedOperationException();
        }

        @Override public void endCycle(Set<String> failedNodes) {
            throw new UnsupportedOperationException();
        }

        @Override public Optional<NodeUsage> nodeUsage(String node) {
            return Optional.ofNullable(nodes.get(node));
        }

        @Override public Optional<PodUsage> podUsage(String namespace, String pod) {
            return Optional.ofNullable(pods.get(namespace + "/" + pod));
        }

        @Override public int nodeSeries() {
            return nodes.size();
        }

        @Override public int containerSeries() {
            return pods.size();
        }

        @Override public boolean ready() {
            return ready;
        }
    }

    static final class Tokens implements TokenReviewer {
        final Map<String, UserInfo> valid = new HashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean fail;

        @Override public Optional<UserInfo> review(String token) throws IOException {
            calls.incrementAndGet();
            if (fail) {
                throw new IOException("kube-apiserver did not answer");
            }
            return Optional.ofNullable(valid.get(token));
        }
    }

    static final class Access implements AccessReviewer {
        final List<AccessRequest> requests = new CopyOnWriteArrayList<>();
        volatile boolean fail;

        @Override public Decision review(AccessRequest request) throws IOException {
            requests.add(request);
            if (fail) {
                throw new IOException("connection refused");
            }
            return new Decision(!request.user().name().equals("jane"), "");
        }
    }

    /** TlsMaterials for CA bundles only, on the JDK's PKIX trust manager. */
    static final class Tls implements TlsMaterials {

        @Override public List<X509Certificate> readCertificates(Path pemFile) throws TlsException {
            try {
                return parseCertificates(Files.readString(pemFile), pemFile.toString());
            } catch (IOException e) {
                throw new TlsException(pemFile + ": " + e.getMessage(), e);
            }
        }

        @Override public List<X509Certificate> parseCertificates(String pem, String source) throws TlsException {
            try {
                List<X509Certificate> out = new ArrayList<>();
                for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                    out.add((X509Certificate) c);
                }
                return out;
            } catch (Exception e) {
                throw new TlsException(source + ": " + e.getMessage(), e);
            }
        }

        @Override public X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException {
            return trustManager(String.join("\n", readCertificates(caBundle).stream().map(TestPki::pem).toList()), caBundle.toString());
        }

        @Override public X509ExtendedTrustManager trustManager(String caPem, String source) throws TlsException {
            try {
                for (TrustManager tm : TestPki.trust(parseCertificates(caPem, source).toArray(new X509Certificate[0]))) {
                    if (tm instanceof X509ExtendedTrustManager x) {
                        return x;
                    }
                }
                throw new TlsException(source + ": no X509 trust manager");
            } catch (TlsException e) {
                throw e;
            } catch (Exception e) {
                throw new TlsException(source + ": " + e.getMessage(), e);
            }
        }

        @Override public PrivateKey readPrivateKey(Path pemFile) {
            throw new UnsupportedOperationException();
        }

        @Override public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) {
            throw new UnsupportedOperationException();
        }

        @Override public X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source) {
            throw new UnsupportedOperationException();
        }

        @Override public CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) {
            throw new UnsupportedOperationException();
        }
    }

    /** Collaborators with mutable slots. */
    static final class Services implements Collaborators {
        volatile ClusterView cluster;
        volatile MetricsStore store;
        volatile TokenReviewer tokens;
        volatile AccessReviewer access;
        volatile TlsMaterials tls = new Tls();
        volatile Optional<RequestHeaderSettings> configMap = Optional.empty();
        final List<MetricsSource> sources = new CopyOnWriteArrayList<>();

        @Override public ClusterView cluster() {
            return cluster;
        }

        @Override public MetricsStore store() {
            return store;
        }

        @Override public TokenReviewer tokenReviewer() {
            return tokens;
        }

        @Override public AccessReviewer accessReviewer() {
            return access;
        }

        @Override public TlsMaterials tls() {
            return tls;
        }

        @Override public Optional<RequestHeaderSettings> configMapSettings() {
            return configMap;
        }

        @Override public List<MetricsSource> metricsSources() {
            return sources;
        }
    }
}
