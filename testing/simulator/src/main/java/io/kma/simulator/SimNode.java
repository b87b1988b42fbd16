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
    /** Pods and retired CPU change together, so a scrape never sees one without the other. */
    volatile Load load = new Load(new SimPod[0], 0);
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

    /**
     * The node's pods, and the CPU its containers used in lives that are over (before a restart, or
     * in deleted pods): the node's cgroup counter keeps that time, so the node counter never goes
     * down when a container restarts or a pod leaves.
     */
    record Load(SimPod[] pods, long retiredCpuNanos) {
    }

    /** Cumulative node CPU in nanocore-seconds at {@code nowMillis}: system share plus every container life. */
    long cpuNanoSeconds(Load l, long nowMillis) {
        long cpu = systemMillicores * Math.max(0, nowMillis - bootEpochSecond * 1000) * 1000L + l.retiredCpuNanos();
        for (SimPod p : l.pods()) {
            for (SimContainer c : p.containers) {
                cpu += c.cpuNanoSeconds(nowMillis);
            }
        }
        return cpu;
    }

    public String uid() {
        return Uids.uid(0x40de, index);
    }
}
