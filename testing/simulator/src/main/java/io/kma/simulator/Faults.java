package io.kma.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The fault set per node, changed at run time; kubelets read it on every request. */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    private final Map<String, FaultMode> byNode = new ConcurrentHashMap<>();
    private final ClusterState cluster;

    Faults(ClusterState cluster) {
        this.cluster = cluster;
    }

    /** Sets the node's fault; NONE clears it. */
    public void set(String node, FaultMode mode) {
        cluster.requireNode(node);
        if (mode == FaultMode.NONE) {
            byNode.remove(node);
        } else {
            byNode.put(node, mode);
        }
        LOG.info("fault set: node={} mode={}", node, mode.cliName());
    }

    public void clear(String node) {
        set(node, FaultMode.NONE);
    }

    public void clearAll() {
        byNode.clear();
        LOG.info("faults cleared on all nodes");
    }

    public FaultMode get(String node) {
        return byNode.getOrDefault(node, FaultMode.NONE);
    }

    public Map<String, FaultMode> active() {
        return Map.copyOf(byNode);
    }
}
