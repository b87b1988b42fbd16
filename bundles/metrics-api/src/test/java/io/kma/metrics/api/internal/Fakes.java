package io.kma.metrics.api.internal;

import java.io.IOException;
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
import io.kma.api.tls.TlsMaterials;
import io.kma.testsupport.JdkTlsMaterials;

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

    /** Collaborators with mutable slots. */
    static final class Services implements Collaborators {
        volatile ClusterView cluster;
        volatile MetricsStore store;
        volatile TokenReviewer tokens;
        volatile AccessReviewer access;
        volatile TlsMaterials tls = new JdkTlsMaterials();
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
