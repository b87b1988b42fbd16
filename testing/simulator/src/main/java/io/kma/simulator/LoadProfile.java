package io.kma.simulator;

/**
 * The deterministic load formulas. Tests use them to compute the exact figures {@code kubectl top}
 * must show. Pods added by churn on node i get the next index j and follow the same formulas.
 *
 * <p>Namespaces: by default ({@code namespaces} 0) pod j of every node is in {@code sim-ns-<j mod 5>}, so each of the
 * 5 namespaces holds a fifth of the cluster's pods. With {@code namespaces} N the cluster's pods are dealt over N
 * namespaces in node order: pod j of node i is in {@code sim-ns-<(i × podsPerNode + j) mod N>}, so namespaces can be
 * as small as a large cluster's are (N = nodes: podsPerNode pods each).
 */
public record LoadProfile(int nodes, int podsPerNode, int containersPerPod, int namespaces) {
    public static final long MIB = 1024L * 1024;
    public static final int NODE_CPU_CORES = 8;
    public static final long NODE_MEMORY_BYTES = 32L * 1024 * MIB;
    public static final int NAMESPACES = 5;

    public LoadProfile {
        if (namespaces < 0) {
            throw new IllegalArgumentException("need namespaces >= 0 (0: the default 5), not " + namespaces);
        }
    }

    public LoadProfile(int nodes, int podsPerNode, int containersPerPod) {
        this(nodes, podsPerNode, containersPerPod, 0);
    }

    public static String nodeName(int i) {
        return "sim-node-" + i;
    }

    public static String podName(int i, int j) {
        return "sim-pod-" + i + "-" + j;
    }

    /** Pod j's namespace in the default layout. */
    public static String namespace(int j) {
        return "sim-ns-" + (j % NAMESPACES);
    }

    /** Pod j of node i's namespace in this profile's layout. */
    public String namespace(int i, int j) {
        return namespaces == 0 ? namespace(j) : "sim-ns-" + Math.floorMod((long) i * podsPerNode + j, namespaces);
    }

    /** How many namespaces hold pods: {@code sim-ns-0} to {@code sim-ns-<namespaceCount - 1>}. */
    public int namespaceCount() {
        return namespaces == 0 ? NAMESPACES : namespaces;
    }

    /** Shared instances: 700,000 containers at scale need only a handful of distinct names. */
    private static final String[] CONTAINER_NAMES = java.util.stream.IntStream.range(0, 64).mapToObj(k -> "c" + k).toArray(String[]::new);

    public static String containerName(int k) {
        return k < CONTAINER_NAMES.length ? CONTAINER_NAMES[k] : "c" + k;
    }

    public static String appLabel(int j) {
        return "sim-app-" + (j % 3);
    }

    /** 10 m × (1 + (i + j + k) mod 10). */
    public static int containerMillicores(int i, int j, int k) {
        return 10 * (1 + (i + j + k) % 10);
    }

    /** 16 MiB × (1 + (j + k) mod 8). */
    public static long containerMemoryBytes(int j, int k) {
        return 16 * MIB * (1 + (j + k) % 8);
    }

    /** 100 m × (1 + i mod 4). */
    public static int systemMillicores(int i) {
        return 100 * (1 + i % 4);
    }

    /** 256 MiB × (1 + i mod 4). */
    public static long systemMemoryBytes(int i) {
        return 256 * MIB * (1 + i % 4);
    }

    public int podMillicores(int i, int j) {
        int sum = 0;
        for (int k = 0; k < containersPerPod; k++) {
            sum += containerMillicores(i, j, k);
        }
        return sum;
    }

    public long podMemoryBytes(int j) {
        long sum = 0;
        for (int k = 0; k < containersPerPod; k++) {
            sum += containerMemoryBytes(j, k);
        }
        return sum;
    }

    /** Node usage with its initial pods: containers plus the system share. */
    public int nodeMillicores(int i) {
        int sum = systemMillicores(i);
        for (int j = 0; j < podsPerNode; j++) {
            sum += podMillicores(i, j);
        }
        return sum;
    }

    public long nodeMemoryBytes(int i) {
        long sum = systemMemoryBytes(i);
        for (int j = 0; j < podsPerNode; j++) {
            sum += podMemoryBytes(j);
        }
        return sum;
    }
}
