package io.kma.metrics.api.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.kma.http.server.internal.ListServer;
import io.kma.shared.labels.LabelSelector;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;

/**
 * Where one full pod list's wall time goes: the real store filled as {@link PodListPathBenchmark} fills it,
 * served by the real HTTPS listener (Undertow, its pools and threads, the JDK's TLS) on 127.0.0.1 through
 * the responder's list path, fetched by curl in its own process with a new TLS connection per fetch (as
 * scale.sh does). Per batch of fetches it prints the wall time of each fetch, curl's CPU, and per thread
 * group of this process (the listener's I/O threads, its workers, the rest: GC, JIT) the CPU split into
 * user and kernel time from {@code /proc/self/task/N/stat}, the write syscalls and bytes from
 * {@code /proc/self/task/N/io} and the voluntary context switches (waits) from {@code .../status}, and the heap
 * bytes each group allocated per list (the JVM's per-thread allocation counters: a list's garbage is what makes
 * the young collections that stretch its wall time).
 * Not run by the build; a timed loop, no assertions on time. Run it with (from the worktree, after install):
 * <pre>
 * mvn -o -q -pl bundles/metrics-api test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -XX:+UseSerialGC -Xms3g -Xmx3g -cp bundles/metrics-api/target/test-classes:bundles/metrics-api/target/classes:$(cat bundles/metrics-api/target/cp.txt) \
 *      io.kma.metrics.api.internal.ListServingLoop [nodes=5000] [podsPerNode=70] [fetches=8] [formats=json,protobuf,json-gzip,protobuf-gzip] [protocol=h2|http1.1]
 * </pre>
 */
public final class ListServingLoop {

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final long FETCH_TIMEOUT_SECONDS = 120;
    private static final int WARM_UP = 5;

    private ListServingLoop() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int podsPerNode = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        int fetches = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        List<String> formats = List.of((args.length > 3 ? args[3] : "json,protobuf,json-gzip,protobuf-gzip").split(","));
        // curl negotiates h2 by ALPN unless told otherwise, as in scale.sh
        String protocol = args.length > 4 ? args[4] : "h2";
        PodListPathBenchmark state = new PodListPathBenchmark();
        state.nodes = nodes;
        state.podsPerNode = podsPerNode;
        state.labels = "shared";
        state.setup();
        System.out.printf("store filled: %d pods%n", state.pods.size());
        Path certDir = Files.createTempDirectory("list-loop");
        HttpHandler list = new ListHandler(state);
        try (ListServer server = new ListServer(certDir, list)) {
            String url = "https://127.0.0.1:" + server.port() + "/apis/metrics.k8s.io/v1beta1/pods";
            for (String format : formats) {
                for (int i = 0; i < WARM_UP; i++) { // compiled code, pools, the kept table
                    fetch(url, format, protocol);
                }
                Map<String, long[]> before = threads();
                List<double[]> results = new ArrayList<>();
                for (int i = 0; i < fetches; i++) {
                    results.add(fetch(url, format, protocol));
                }
                Map<String, long[]> after = threads();
                report(format + " over " + protocol, fetches, results, before, after);
            }
        }
    }

    /** The list as ResourceResponder serves a full list: a worker thread, blocking, gzip when asked. */
    private static final class ListHandler implements HttpHandler {
        private final PodListPathBenchmark state;

        ListHandler(PodListPathBenchmark state) {
            this.state = state;
        }

        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange exchange) {
            // a plain task on a worker, outside Undertow's handler call, as the http-server's routes dispatch
            exchange.dispatch(() -> serve(exchange));
        }

        private void serve(io.undertow.server.HttpServerExchange exchange) {
            exchange.startBlocking();
            try {
                boolean protobuf = String.valueOf(exchange.getRequestHeaders().getFirst(Headers.ACCEPT)).startsWith(PROTOBUF);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, protobuf ? MetricsProto.MEDIA_TYPE
                        : Negotiation.JSON_TYPE);
                try (CompressibleBody body = new CompressibleBody(exchange)) {
                    state.responder.writePodList(body, protobuf, state.pods, true, LabelSelector.everything(),
                            FieldSelector.everything(), state.store);
                    body.finish();
                }
            } catch (IOException e) {
                System.out.println("list aborted: " + e);
            } finally {
                exchange.endExchange();
            }
        }
    }

    /** @return wall seconds, bytes, curl's user and system seconds, seconds to the first byte of the body */
    private static double[] fetch(String url, String format, String protocol) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "curl", "-sSk", protocol.equals("h2") ? "--http2" : "--http1.1", "-o",
                "/dev/null", "-w", "%{time_total} %{size_download} %{http_code} %{time_starttransfer}\n"));
        if (format.startsWith("protobuf")) {
            cmd.addAll(List.of("-H", "Accept: " + PROTOBUF));
        }
        if (format.endsWith("-gzip")) {
            cmd.addAll(List.of("-H", "Accept-Encoding: gzip"));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish in " + FETCH_TIMEOUT_SECONDS + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        String[] err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
        String[] o = out.split(" ");
        if (o.length < 4 || !o[2].equals("200")) {
            throw new IOException("curl: " + out + " " + String.join(" ", err));
        }
        return new double[] {Double.parseDouble(o[0]), Double.parseDouble(o[1]), Double.parseDouble(err[err.length - 2]),
                Double.parseDouble(err[err.length - 1]), Double.parseDouble(o[3])};
    }

    /** Per thread group: utime, stime (ticks), write syscalls, bytes written, voluntary switches, threads, allocated bytes. */
    private static Map<String, long[]> threads() throws IOException {
        Map<String, long[]> groups = new TreeMap<>();
        allocated(groups);
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long[] g = groups.computeIfAbsent(group(name), k -> new long[7]);
                    g[0] += Long.parseLong(f[11]);
                    g[1] += Long.parseLong(f[12]);
                    for (String line : Files.readAllLines(task.resolve("io"))) {
                        if (line.startsWith("syscw:")) {
                            g[2] += Long.parseLong(line.substring(6).trim());
                        } else if (line.startsWith("wchar:")) {
                            g[3] += Long.parseLong(line.substring(6).trim());
                        }
                    }
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            g[4] += Long.parseLong(line.substring(24).trim());
                        }
                    }
                    g[5]++;
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return groups;
    }

    /**
     * Adds each live Java thread's allocated heap bytes to its group's slot 6. The listener's workers and I/O
     * threads live as long as the server, so a difference of two readings is what the lists between them allocated.
     */
    private static void allocated(Map<String, long[]> groups) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0) { // null or -1: the thread ended meanwhile
                groups.computeIfAbsent(group(infos[i].getThreadName()), k -> new long[7])[6] += bytes[i];
            }
        }
    }

    private static String group(String name) {
        if (name.startsWith("kma-https I/O")) {
            return "io";
        }
        if (name.startsWith("kma-https task")) {
            return "worker";
        }
        if (name.startsWith("GC") || name.startsWith("VM Thread")) {
            return "gc";
        }
        if (name.startsWith("C1") || name.startsWith("C2")) {
            return "jit";
        }
        return "other";
    }

    private static void report(String format, int fetches, List<double[]> results, Map<String, long[]> before,
            Map<String, long[]> after) {
        double[] walls = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
        // the time to the first byte is the measuring pass of a protobuf list (its envelope states the length first)
        double[] firstBytes = results.stream().mapToDouble(r -> r[4]).sorted().toArray();
        double curlUser = results.stream().mapToDouble(r -> r[2]).sum() / fetches;
        double curlSys = results.stream().mapToDouble(r -> r[3]).sum() / fetches;
        System.out.printf(Locale.ROOT, "%s: %d fetches of %.1f MB: wall median %.3f s (min %.3f, max %.3f); first byte median %.3f s; curl user %.3f"
                + " + sys %.3f s per fetch; walls %s%n", format, fetches, results.get(0)[1] / 1e6, walls[walls.length / 2],
                walls[0], walls[walls.length - 1], firstBytes[firstBytes.length / 2], curlUser, curlSys, Arrays.toString(walls));
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] a = e.getValue();
            long[] b = before.getOrDefault(e.getKey(), new long[7]);
            double user = (a[0] - b[0]) * 10.0 / fetches;
            double sys = (a[1] - b[1]) * 10.0 / fetches;
            long writes = a[2] - b[2];
            long bytes = a[3] - b[3];
            System.out.printf(Locale.ROOT, "  %-6s per fetch: user %6.1f ms + sys %6.1f ms; allocated %8.2f MB;"
                    + " writes %7.0f of %6.0f B avg; voluntary switches %6.0f (%d threads)%n", e.getKey(), user, sys,
                    (a[6] - b[6]) / 1e6 / fetches, writes / (double) fetches, writes == 0 ? 0.0 : bytes / (double) writes,
                    (a[4] - b[4]) / (double) fetches, a[5]);
        }
    }
}
