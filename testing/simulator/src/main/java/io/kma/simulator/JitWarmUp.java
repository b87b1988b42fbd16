package io.kma.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --warm-up}: before the simulator says it is ready, it serves its own kubelets TLS handshakes and
 * {@code /metrics/resource} scrapes and its API server a few pages of the pod and node lists, then waits until the JIT
 * has compiled what that made hot. Kubelets are Go programs and kube-apiserver runs for months, so a metrics server
 * that starts meets peers whose code is compiled. Without this a scale benchmark's cold start measured the
 * simulator's JIT too: at 5,000 nodes its C2 thread used ~12 CPU seconds in the appliance's first 35 s, on the same
 * two cores. The warm-up's clients dial every kubelet at most once and keep no connection.
 */
final class JitWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(JitWarmUp.class);
    /** Enough for the handshake's and the scrape's code to reach C2 (thousands of calls to each method). */
    static final int HANDSHAKES = 1500;
    /** Each scrape waits on the network more than it computes: enough threads to keep both cores busy. */
    private static final int CLIENT_THREADS = 8;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
    /** The JIT has finished when its compile time stood still this long, or after at most {@link #SETTLE_BOUND}. */
    private static final Duration QUIET = Duration.ofMillis(700);
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(20);

    private JitWarmUp() {
    }

    static void run(Simulator sim, Path dir, int handshakes) throws IOException {
        long t0 = System.nanoTime();
        List<SimNode> nodes = new ArrayList<>();
        sim.cluster().nodes().forEach(nodes::add);
        int count = Math.min(handshakes, nodes.size());
        int scraped = scrapeKubelets(nodes, SimClients.tls(dir, "apiserver-kubelet-client").getSocketFactory(), count);
        if (scraped < count) {
            throw new IOException("warm-up: " + (count - scraped) + " of " + count + " kubelets did not answer 200");
        }
        long tKubelets = System.nanoTime();
        listApi(SimClients.admin(dir), sim.apiserverUrl());
        long tApi = System.nanoTime();
        long compiling = awaitJit();
        LOG.info("warm-up: {} kubelet handshakes and scrapes in {} ms, API lists in {} ms, JIT settled after {} ms more",
                scraped, (tKubelets - t0) / 1_000_000, (tApi - tKubelets) / 1_000_000, compiling);
    }

    /** A new connection to each of the first {@code count} kubelets, one scrape each; returns how many answered 200. */
    private static int scrapeKubelets(List<SimNode> nodes, SSLSocketFactory tls, int count) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS, r -> new Thread(r, "warm-up"));
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        if (scrape(nodes.get(i), tls)) {
                            ok.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(10, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IOException("warm-up of the kubelets failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
        return ok.get();
    }

    private static boolean scrape(SimNode node, SSLSocketFactory tls) throws IOException {
        try (SSLSocket s = (SSLSocket) tls.createSocket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(node.address, node.port), (int) IO_TIMEOUT.toMillis());
            s.setSoTimeout((int) IO_TIMEOUT.toMillis());
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET /metrics/resource HTTP/1.1\r\nHost: " + node.name + ":" + node.port
                    + "\r\nUser-Agent: sim-warm-up\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            byte[] rest = new byte[16 * 1024];
            long total = head.length;
            for (int r; (r = in.read(rest)) > 0 && total < (64L << 20); ) {
                total += r;
            }
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        }
    }

    /** Pages of the lists the appliance's informers ask for: the same rendering as its one-page list, far fewer objects. */
    private static void listApi(HttpClient admin, URI api) throws IOException {
        String[] paths = {
            "/api/v1/pods?fieldSelector=status.phase%3DRunning&limit=10000",
            "/api/v1/pods?fieldSelector=status.phase%3DRunning&limit=10000",
            "/api/v1/nodes?limit=1000",
            "/api/v1/nodes?limit=1000",
        };
        for (String path : paths) {
            HttpRequest req = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofMinutes(1)).build();
            try {
                HttpResponse<Void> r = admin.send(req, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    throw new IOException("warm-up: " + path + " answered " + r.statusCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("warm-up interrupted", e);
            }
        }
    }

    /** Waits until the JIT's total compile time stops growing; returns the milliseconds waited. */
    private static long awaitJit() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long deadline = start + SETTLE_BOUND.toNanos();
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < QUIET.toNanos()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
