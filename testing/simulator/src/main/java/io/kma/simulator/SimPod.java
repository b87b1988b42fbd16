package io.kma.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One pod version. Immutable: a change makes a new version with a new resourceVersion, so watch
 * events can carry both. {@code labelTail} is the pre-rendered end of its kubelet metric labels.
 */
public final class SimPod {
    final String name;
    final String namespace;
    final int nodeIndex;
    final int index;
    final long uidSeed;
    final long creationEpochSecond;
    final long resourceVersion;
    final Map<String, String> labels;
    final SimContainer[] containers;
    final String phase;
    /** {@code ",namespace="NS",pod="NAME"} } — what follows {@code {container="C} in a kubelet series. */
    final byte[] labelTail;
    /** {@code {namespace="NS",pod="NAME"} } for pod_* series. */
    final byte[] podLabels;

    SimPod(String name, String namespace, int nodeIndex, int index, long uidSeed, long creationEpochSecond,
           long resourceVersion, Map<String, String> labels, SimContainer[] containers, String phase) {
        this.name = name;
        this.namespace = namespace;
        this.nodeIndex = nodeIndex;
        this.index = index;
        this.uidSeed = uidSeed;
        this.creationEpochSecond = creationEpochSecond;
        this.resourceVersion = resourceVersion;
        this.labels = labels;
        this.containers = containers;
        this.phase = phase;
        this.labelTail = ("\",namespace=\"" + namespace + "\",pod=\"" + name + "\"} ").getBytes(StandardCharsets.US_ASCII);
        this.podLabels = ("{namespace=\"" + namespace + "\",pod=\"" + name + "\"} ").getBytes(StandardCharsets.US_ASCII);
    }

    SimPod withContainers(SimContainer[] cs, long rv) {
        return new SimPod(name, namespace, nodeIndex, index, uidSeed, creationEpochSecond, rv, labels, cs, phase);
    }

    SimPod withPhase(String newPhase, long rv) {
        return new SimPod(name, namespace, nodeIndex, index, uidSeed, creationEpochSecond, rv, labels, containers, newPhase);
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public String nodeName() {
        return LoadProfile.nodeName(nodeIndex);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public String phase() {
        return phase;
    }

    public long resourceVersion() {
        return resourceVersion;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public List<SimContainer> containers() {
        return List.of(containers);
    }

    public String uid() {
        return Uids.uid(0x90d, uidSeed);
    }
}
