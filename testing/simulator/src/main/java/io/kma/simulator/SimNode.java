package io.kma.simulator;

import java.util.Map;

/**
 * One node and the pods its kubelet reports. The pod array is replaced (never mutated) on churn,
 * sorted by (namespace, name) as the kubelet's Prometheus registry sorts its series.
 */
public final class SimNode {
    final int index;
    final String name;
    final String address;
    volatile int port;
    final long bootEpochSecond;
    final long creationEpochSecond;
    final Map<String, String> labels;
    final int systemMillicores;
    final long systemMemoryBytes;
    volatile long resourceVersion;
    volatile SimPod[] pods = new SimPod[0];
    /** Next pod index j for churn. */
    int nextPodIndex;

    SimNode(int index, String address, int port, long bootEpochSecond, long creationEpochSecond, Map<String, String> labels) {
        this.index = index;
        this.name = LoadProfile.nodeName(index);
        this.address = address;
        this.port = port;
        this.bootEpochSecond = bootEpochSecond;
        this.creationEpochSecond = creationEpochSecond;
        this.labels = labels;
        this.systemMillicores = LoadProfile.systemMillicores(index);
        this.systemMemoryBytes = LoadProfile.systemMemoryBytes(index);
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public String uid() {
        return Uids.uid(0x40de, index);
    }
}
