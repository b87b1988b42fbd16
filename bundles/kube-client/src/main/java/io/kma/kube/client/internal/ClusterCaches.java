package io.kma.kube.client.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.kma.api.cluster.ClusterView;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.cluster.PodInfo;
import io.kma.api.doctor.Diagnosis;

/**
 * {@link ClusterView} over two informers: full Node objects, and Running pods, of which only the metadata
 * and {@code spec.nodeName} are kept (so that 350,000 pods stay small). Upstream metrics-server watches
 * pods as PartialObjectMetadata; this appliance needs the node name to drop pods a kubelet reports for
 * another node (a kubelet speaks only for its own node), which costs transfer at list and watch time but
 * no cache memory.
 *
 * <p>The pod cache's first list waits until the scraper has scraped every node once ({@link #releasePodList()}), at most
 * {@value #POD_LIST_HOLD_MILLIS} ms: see {@link ListHold}. At 5,000 nodes the first full pod list came 54 s after
 * start with both lists at once, about 35 s with the pods' list after the first scrapes (testing/benchmarks/README.md).
 */
@Component(service = {ClusterView.class, ClusterCaches.class}, immediate = true)
public final class ClusterCaches implements ClusterView {

    static final String POD_LIST_ACCEPT = "application/json";
    static final String POD_WATCH_ACCEPT = "application/json";

    static final Informer.Spec NODES = new Informer.Spec("*v1.Node", "node", "/api/v1/nodes", null,
            "application/json", "application/json");
    static final Informer.Spec PODS = new Informer.Spec("*v1.Pod", "pod", "/api/v1/pods",
            "status.phase=Running", POD_LIST_ACCEPT, POD_WATCH_ACCEPT);
    /**
     * Longest wait of the pod list for {@link #releasePodList()}: about two default cycles (15 s), in which a 5,000-node
     * cold start on two cores takes its first scrapes.
     */
    static final long POD_LIST_HOLD_MILLIS = 30_000;

    @Reference
    ApiConnection connection;

    private final NodeCache nodes = new NodeCache();
    private final PodCache pods = new PodCache();
    private final Interner interner = new Interner();
    private Informer<NodeInfo> nodeInformer;
    private Informer<PodInfo> podInformer;
    private ListHold podListHold;

    @Activate
    void activate(BundleContext context) {
        // doctor needs the nodes only; listing every pod of a large cluster would just slow it down
        start(InformerTiming.DEFAULT, !Diagnosis.DOCTOR.equals(context.getProperty(Diagnosis.MODE)),
                POD_LIST_HOLD_MILLIS);
    }

    /** Starts the informers, the pod list at once; they wait for the connection to have a client. */
    void start(InformerTiming timing) {
        start(timing, true, 0);
    }

    /** @param podListHoldMillis longest wait of the pod list for {@link #releasePodList()}; 0: none */
    void start(InformerTiming timing, boolean withPods, long podListHoldMillis) {
        nodeInformer = new Informer<>(NODES, new NodeDecoder(), nodes, connection::client, timing);
        nodeInformer.start();
        if (withPods) {
            podListHold = podListHoldMillis > 0 ? new ListHold(podListHoldMillis) : null;
            podInformer = new Informer<>(PODS, new PodMetadataDecoder(interner), pods, connection::client, timing,
                    podListHold);
            podInformer.start();
        }
    }

    @Deactivate
    void deactivate() {
        if (nodeInformer != null) {
            nodeInformer.stop();
        }
        if (podInformer != null) {
            podInformer.stop();
        }
    }

    @Override
    public Collection<NodeInfo> nodes() {
        return nodes.all();
    }

    @Override
    public Optional<NodeInfo> node(String name) {
        return nodes.get(name);
    }

    @Override
    public Collection<PodInfo> pods() {
        return pods.all();
    }

    @Override
    public Collection<PodInfo> pods(String namespace) {
        return pods.inNamespace(namespace);
    }

    @Override
    public Optional<PodInfo> pod(String namespace, String name) {
        return pods.get(namespace, name);
    }

    @Override
    public long podsOnNodeVersion(String node) {
        return pods.nodeVersion(node);
    }

    @Override
    public void releasePodList() {
        ListHold h = podListHold;
        if (h != null) {
            h.release();
        }
    }

    @Override
    public boolean nodesSynced() {
        return nodeInformer != null && nodeInformer.synced();
    }

    @Override
    public boolean podsSynced() {
        return podInformer != null && podInformer.synced();
    }

    List<Informer<?>> informers() {
        return podInformer == null ? List.of(nodeInformer) : List.of(nodeInformer, podInformer);
    }

    int nodeCount() {
        return nodes.size();
    }

    int podCount() {
        return pods.size();
    }

    int namespaceCount() {
        return pods.namespaces();
    }

    int internedValues() {
        return interner.size();
    }
}
