package io.kma.kube.client.internal;

import java.nio.file.Path;
import java.time.Duration;

import io.kma.api.cluster.PodInfo;
import io.kma.testsupport.JdkTlsMaterials;

/**
 * Measurement, not a test (run by hand against a running simulator): how long the pod informer's first
 * list takes, in wall time and in CPU time of this process and (when its pid is given) of the simulator,
 * which do not depend on the machine's load as much. Arguments: kubeconfig, page size, rounds, [server pid].
 */
public final class InformerListTiming {

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(args[0]);
        int pageSize = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path serverStat = args.length > 3 ? Path.of("/proc", args[3], "stat") : null;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Kubeconfig kc = KubeconfigLoader.load(kubeconfig);
        ApiClient client = new ApiClient(kc, ApiTls.socketStrategy(kc, new JdkTlsMaterials()), "list-timing",
                new RequestCounter(), new com.fasterxml.jackson.databind.ObjectMapper());
        InformerTiming timing = new InformerTiming(pageSize, 300, 600, 500, 30_000);
        for (int r = 0; r < rounds; r++) {
            PodCache cache = new PodCache();
            Informer<PodInfo> informer = new Informer<>(ClusterCaches.PODS, new PodMetadataDecoder(new Interner()),
                    cache, () -> client, timing);
            long t0 = System.nanoTime();
            long cpu0 = os.getProcessCpuTime();
            long server0 = ticks(serverStat);
            informer.start();
            TestClients.await(informer::synced, Duration.ofMinutes(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
            long serverMs = (ticks(serverStat) - server0) * 10; // USER_HZ 100
            informer.stop();
            System.out.printf("round %d: %d pods listed in %d ms (page size %d); CPU ms: client %d, server %d%n", r,
                    cache.size(), ms, pageSize, cpuMs, serverMs);
        }
        client.close();
    }

    /** utime + stime of a process, in clock ticks; 0 without a pid. */
    private static long ticks(Path stat) throws java.io.IOException {
        if (stat == null) {
            return 0;
        }
        String s = java.nio.file.Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
