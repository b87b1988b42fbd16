package io.kma.simulator.bench;

import io.kma.simulator.SimClients;

import java.io.IOException;
import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes every kubelet of a running simulator like metrics-server does (every resolution,
 * over keep-alive connections, a fixed number of client threads) and reports the simulator process's CPU and
 * RSS from /proc. A benchmark, not a test:
 * <pre>
 * java -cp ... io.kma.simulator.bench.ScrapeBenchmark --dir DIR [--cycles 6] [--resolution-seconds 15]
 *      [--threads 16] [--pid PID]
 * </pre>
 * The first cycle (TLS handshakes, JIT) is reported apart from the steady state.
 */
public final class ScrapeBenchmark {
    private ScrapeBenchmark() {
    }

    record Target(String node, String address, int port) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int cycles = 6;
        long resolution = 15;
        int threads = 16;
        long pid = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--resolution-seconds" -> resolution = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--pid" -> pid = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        if (pid < 0) {
            pid = Long.parseLong(SimClients.properties(dir).getProperty("pid"));
        }
        List<Target> targets = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("kubelets.txt"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            targets.add(new Target(f[0], f[1], Integer.parseInt(f[2])));
        }
        SSLSocketFactory tls = SimClients.tls(dir, "apiserver-kubelet-client").getSocketFactory();
        System.out.printf(Locale.ROOT, "scraping %d kubelets every %d s, %d cycles, %d client threads with keep-alive; simulator pid %d%n",
                targets.size(), resolution, cycles, threads, pid);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        KeepAliveClient[] clients = new KeepAliveClient[targets.size()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new KeepAliveClient(targets.get(i), tls);
        }
        long steadyCpu0 = 0;
        long steadyWall0 = 0;
        for (int c = 0; c < cycles; c++) {
            long cycleStart = System.nanoTime();
            long cpu0 = cpuTicks(pid);
            Cycle r = cycle(pool, clients, threads);
            long took = System.nanoTime() - cycleStart;
            long remaining = TimeUnit.SECONDS.toNanos(resolution) - took;
            if (remaining > 0) {
                Thread.sleep(remaining / 1_000_000);
            }
            long cpu1 = cpuTicks(pid);
            double wall = (System.nanoTime() - cycleStart) / 1e9;
            double cpuSeconds = (cpu1 - cpu0) / 100.0;
            System.out.printf(Locale.ROOT, "cycle %d: ok %d, failed %d, %.1f MiB, cycle %.2f s, latency p50 %.1f ms p99 %.1f ms max %.1f ms;"
                            + " simulator CPU %.2f s over %.1f s = %.1f %% of one core, RSS %d MiB%n",
                    c + 1, r.ok, r.failed, r.bytes / 1048576.0, took / 1e9, r.p(0.5), r.p(0.99), r.p(1.0),
                    cpuSeconds, wall, 100 * cpuSeconds / wall, rssKiB(pid) / 1024);
            if (r.firstError != null) {
                System.out.println("  first error: " + r.firstError);
            }
            if (c == 0) {
                steadyCpu0 = cpu1;
                steadyWall0 = System.nanoTime();
            }
        }
        if (cycles > 1) {
            double wall = (System.nanoTime() - steadyWall0) / 1e9;
            double cpu = (cpuTicks(pid) - steadyCpu0) / 100.0;
            System.out.printf(Locale.ROOT, "steady state (cycles 2..%d): simulator CPU %.2f s over %.1f s = %.1f %% of one core (%.3f millicores per node), RSS %d MiB%n",
                    cycles, cpu, wall, 100 * cpu / wall, 1000 * cpu / wall / targets.size(), rssKiB(pid) / 1024);
        }
        for (KeepAliveClient k : clients) {
            k.close();
        }
        pool.shutdownNow();
    }

    static final class Cycle {
        long ok;
        long failed;
        long bytes;
        String firstError;
        double[] latencies;

        double p(double q) {
            if (latencies.length == 0) {
                return 0;
            }
            return latencies[(int) Math.min(latencies.length - 1, Math.round(q * (latencies.length - 1)))];
        }
    }

    /** Each thread scrapes its share of kubelets one after the other over kept-alive connections. */
    private static Cycle cycle(ExecutorService pool, KeepAliveClient[] clients, int threads) throws Exception {
        double[] lat = new double[clients.length];
        long[] bytes = new long[clients.length];
        String[] errors = new String[clients.length];
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                for (int i = first; i < clients.length; i += threads) {
                    long t0 = System.nanoTime();
                    try {
                        bytes[i] = clients[i].scrapeWithRetry();
                    } catch (IOException e) {
                        bytes[i] = -1;
                        errors[i] = clients[i].target.node() + ": " + e;
                        clients[i].close();
                    }
                    lat[i] = (System.nanoTime() - t0) / 1e6;
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.MINUTES);
        }
        Cycle r = new Cycle();
        for (int i = 0; i < clients.length; i++) {
            if (bytes[i] >= 0) {
                r.ok++;
                r.bytes += bytes[i];
            } else {
                r.failed++;
                if (r.firstError == null) {
                    r.firstError = errors[i];
                }
            }
        }
        r.latencies = Arrays.stream(lat).sorted().toArray();
        return r;
    }

    /** utime + stime of the process, in clock ticks (100 per second on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
