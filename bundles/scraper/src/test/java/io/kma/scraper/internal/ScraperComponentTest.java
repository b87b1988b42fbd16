package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.kubelet.AddressResolver;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.MetricsStore;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.NodeUsage;
import io.kma.api.store.PodUsage;
import io.kma.api.store.ScrapeBatch;
import io.kma.testsupport.TestPki;

/** The component's tick loop without OSGi: references injected as SCR would, one stand-in kubelet. */
class ScraperComponentTest {

    static ScraperConfig config(boolean insecure, String selector) {
        return config(insecure, selector, "target/scraper-component-pins");
    }

    static ScraperConfig config(boolean insecure, String selector, String pinDirectory) {
        return new ScraperConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ScraperConfig.class;
            }

            @Override
            public long resolutionMillis() {
                return 1000;
            }

            @Override
            public long requestTimeoutMillis() {
                return 5000;
            }

            @Override
            public int maxConcurrentScrapes() {
                return 4;
            }

            @Override
            public long maxResponseBytes() {
                return 1 << 20;
            }

            @Override
            public String nodeSelector() {
                return selector;
            }

            @Override
            public String certificateAuthority() {
                return "/etc/kubernetes/pki/ca.crt";
            }

            @Override
            public boolean insecureSkipTLSVerify() {
                return insecure;
            }

            @Override
            public String tlsVerification() {
                return "caOrPin";
            }

            @Override
            public String pinDirectory() {
                return pinDirectory;
            }

            @Override
            public String addressResolver_target() {
                return "(kma.strategy=test)";
            }

            @Override
            public String credentials_target() {
                return "(kma.strategy=test)";
            }
        };
    }

    static NodeInfo node(String name, String role) {
        return new NodeInfo(name, Map.of("role", role), Map.of(), List.of(new NodeAddress("InternalIP", "127.0.0.1")),
                0, true, null);
    }

    static ClusterView cluster(List<NodeInfo> nodes) {
        return cluster(nodes, true);
    }

    /** A fixed node list; {@code synced} false: as before the first list, no nodes and not synced. */
    static ClusterView cluster(List<NodeInfo> nodes, boolean synced) {
        return cluster(nodes, synced, Map.of());
    }

    /** As above, with pods by {@code namespace/name} (found by {@link ClusterView#pod} only). */
    static ClusterView cluster(List<NodeInfo> nodes, boolean synced, Map<String, PodInfo> pods) {
        return cluster(nodes, synced, pods, new AtomicInteger());
    }

    /** A synced fixed node list that counts its {@link ClusterView#releasePodList()} calls into {@code releases}. */
    static ClusterView cluster(List<NodeInfo> nodes, AtomicInteger releases) {
        return cluster(nodes, true, Map.of(), releases);
    }

    private static ClusterView cluster(List<NodeInfo> nodes, boolean synced, Map<String, PodInfo> pods,
            AtomicInteger releases) {
        return new ClusterView() {
            @Override
            public void releasePodList() {
                releases.incrementAndGet();
            }

            @Override
            public Collection<NodeInfo> nodes() {
                return synced ? nodes : List.of();
            }

            @Override
            public Optional<NodeInfo> node(String name) {
                return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
            }

            @Override
            public Collection<PodInfo> pods() {
                return List.of();
            }

            @Override
            public Collection<PodInfo> pods(String namespace) {
                return List.of();
            }

            @Override
            public Optional<PodInfo> pod(String namespace, String name) {
                return Optional.ofNullable(pods.get(namespace + "/" + name));
            }

            @Override
            public boolean nodesSynced() {
                return synced;
            }

            @Override
            public boolean podsSynced() {
                return synced;
            }
        };
    }

    static MetricsStore store(BlockingQueue<ScrapeBatch> batches) {
        return store(batches, () -> { });
    }

    /** @param atStoreNode runs as each node's scrape is stored */
    static MetricsStore store(BlockingQueue<ScrapeBatch> batches, Runnable atStoreNode) {
        return new MetricsStore() {
            private final List<NodeScrape> stored = new ArrayList<>();

            @Override
            public void store(ScrapeBatch batch) {
                batches.add(batch);
            }

            @Override
            public synchronized void storeNode(NodeScrape scrape) {
                atStoreNode.run();
                stored.add(scrape);
            }

            @Override
            public synchronized void endCycle(Set<String> failedNodes) {
                batches.add(new ScrapeBatch(List.copyOf(stored), Set.copyOf(failedNodes)));
                stored.clear();
            }

            @Override
            public Optional<NodeUsage> nodeUsage(String node) {
                return Optional.empty();
            }

            @Override
            public Optional<PodUsage> podUsage(String namespace, String pod) {
                return Optional.empty();
            }

            @Override
            public int nodeSeries() {
                return 0;
            }

            @Override
            public int containerSeries() {
                return 0;
            }

            @Override
            public boolean ready() {
                return false;
            }
        };
    }

    @Test
    void ticksScrapeSelectedNodesAndStoreOneBatchPerTick() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        var creds = Fixtures.credentials(TestPki.client(clientCa, "CN=client").keyManager(), null, "test cert");
        BlockingQueue<ScrapeBatch> batches = new LinkedBlockingQueue<>();
        try (KubeletStandIn kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "worker-1", "worker-1"), kubeletCa.cert(),
                clientCa.cert())) {
            kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
            AddressResolver resolver = n -> List.of(new KubeletEndpoint("127.0.0.1", kubelet.port(), "InternalIP"));
            ScraperComponent c = new ScraperComponent();
            c.clusterView = cluster(List.of(node("worker-1", "worker"), node("master-1", "master")));
            c.store = store(batches);
            c.tlsMaterials = Fixtures.kubeletCaFile(kubeletCa);
            c.addressResolver = resolver;
            c.credentials = creds;
            long t0 = System.nanoTime();
            c.activate(null, config(false, "role=worker"));
            try {
                // with a 1 s resolution the very first cycle of a cold JVM may miss its deadline: look at a few
                ScrapeBatch good = null;
                int seen = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (good == null && seen < 10 && System.nanoTime() < until) {
                    ScrapeBatch b = batches.poll(5, TimeUnit.SECONDS);
                    if (b == null) {
                        continue;
                    }
                    seen++;
                    assertTrue(Set.of("worker-1").containsAll(b.failedNodes()), "master-1 is not selected");
                    if (!b.scraped().isEmpty()) {
                        good = b;
                    }
                }
                assertNotNull(good, "a batch with worker-1 scraped");
                System.out.printf("first complete batch after %.0f ms (%d batches)%n", (System.nanoTime() - t0) / 1e6, seen);
                assertEquals(1, good.scraped().size());
                assertEquals("worker-1", good.scraped().get(0).node());
                assertEquals(Set.of(), good.failedNodes());
                ScrapeBatch next = batches.poll(5, TimeUnit.SECONDS);
                assertNotNull(next, "the next tick one resolution later");
                assertTrue(c.check().ok());
                StringBuilder sb = new StringBuilder();
                c.writeTo(sb);
                assertTrue(sb.toString().contains("metrics_server_kubelet_request_total{success=\"true\"}"), sb::toString);
                assertTrue(sb.toString().contains("metrics_server_manager_tick_duration_seconds_count "), sb::toString);
            } finally {
                c.deactivate();
            }
        }
    }

    /**
     * The first of at most five cycles' batches that scraped a node, or null. With a 1 s resolution a cold JVM's first
     * scrape may outlast its cycle.
     */
    static ScrapeBatch firstBatchWithAScrape(BlockingQueue<ScrapeBatch> batches) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            ScrapeBatch b = batches.poll(5, TimeUnit.SECONDS);
            if (b != null && !b.scraped().isEmpty()) {
                return b;
            }
        }
        return null;
    }

    @Test
    void thePodListIsReleasedOnceEveryNodeHasBeenScraped() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        var creds = Fixtures.credentials(TestPki.client(clientCa, "CN=client").keyManager(), null, "test cert");
        BlockingQueue<ScrapeBatch> batches = new LinkedBlockingQueue<>();
        try (KubeletStandIn kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "worker-1", "worker-1"), kubeletCa.cert(),
                clientCa.cert())) {
            kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
            AtomicInteger firstReleases = new AtomicInteger();
            ClusterView first = cluster(List.of(node("worker-1", "worker")), firstReleases);
            AtomicInteger releasesAtFirstScrape = new AtomicInteger(-1);
            ScraperComponent c = new ScraperComponent();
            c.bindClusterView(first);
            assertEquals(0, firstReleases.get(), "bound before any cycle: the pod list waits for the first scrapes");
            c.store = store(batches, () -> releasesAtFirstScrape.compareAndSet(-1, firstReleases.get()));
            c.tlsMaterials = Fixtures.kubeletCaFile(kubeletCa);
            c.addressResolver = (AddressResolver) n -> List.of(new KubeletEndpoint("127.0.0.1", kubelet.port(), "InternalIP"));
            c.credentials = creds;
            c.activate(null, config(false, ""));
            try {
                assertNotNull(firstBatchWithAScrape(batches), "worker-1 scraped");
                assertEquals(0, releasesAtFirstScrape.get(), "held while the first scrape ran");
                assertTrue(firstReleases.get() >= 1, "released once the only node had its first scrape");

                // kube-client replaced while the scraper runs: its pod cache has no cold cycle to wait for
                AtomicInteger secondReleases = new AtomicInteger();
                ClusterView second = cluster(List.of(node("worker-1", "worker")), secondReleases);
                c.bindClusterView(second);
                assertEquals(1, secondReleases.get(), "released as it binds");
                c.unbindClusterView(first);
                assertTrue(c.clusterView == second, "the old view's unbind leaves the new one");
                c.unbindClusterView(second);
                assertNull(c.clusterView);
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void insecureModeAcceptsAnyCertificate() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("unknown-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        var creds = Fixtures.credentials(TestPki.client(clientCa, "CN=client").keyManager(), null, "test cert");
        BlockingQueue<ScrapeBatch> batches = new LinkedBlockingQueue<>();
        try (KubeletStandIn kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "somebody-else", "somebody-else"),
                kubeletCa.cert(), clientCa.cert())) {
            kubelet.answers.put("/metrics/resource", KubeletStandIn.Answer.ok(KubeletScrapeTest.BODY));
            ScraperComponent c = new ScraperComponent();
            c.clusterView = cluster(List.of(node("worker-1", "worker")));
            c.store = store(batches);
            c.addressResolver = (AddressResolver) n -> List.of(new KubeletEndpoint("127.0.0.1", kubelet.port(), "InternalIP"));
            c.credentials = creds;
            c.activate(null, config(true, ""));
            try {
                ScrapeBatch good = firstBatchWithAScrape(batches);
                assertNotNull(good, "insecure mode scrapes a kubelet whose certificate nothing vouches for");
                assertEquals("worker-1", good.scraped().get(0).node());
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void doctorModeActivatesWithoutScraping() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        BlockingQueue<ScrapeBatch> batches = new LinkedBlockingQueue<>();
        AtomicInteger resolved = new AtomicInteger();
        ScraperComponent c = new ScraperComponent();
        c.clusterView = cluster(List.of(node("worker-1", "worker")));
        c.store = store(batches);
        c.tlsMaterials = Fixtures.kubeletCaFile(kubeletCa);
        c.addressResolver = (AddressResolver) n -> {
            resolved.incrementAndGet();
            return List.of(new KubeletEndpoint("127.0.0.1", 1, "InternalIP"));
        };
        c.credentials = Fixtures.credentials(null, "t", "token");
        BundleContext doctor = (BundleContext) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty") && Diagnosis.MODE.equals(args[0])) {
                        return Diagnosis.DOCTOR;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        c.activate(doctor, config(false, ""));
        try {
            assertNull(batches.poll(1500, TimeUnit.MILLISECONDS), "no scrape cycle in doctor mode");
            assertEquals(0, resolved.get(), "no kubelet is dialled");
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().equals("kma-scraper-tick")), "no tick thread");
            assertTrue(c.check().ok());
        } finally {
            c.deactivate();
        }
    }
}
