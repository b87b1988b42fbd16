package io.kma.scraper.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.kma.testsupport.TestPki;

/**
 * A kubelet stand-in on 127.0.0.1: JDK HttpsServer requiring a client certificate from the given CA,
 * answering each path with a configurable status, body and delay.
 */
final class KubeletStandIn implements AutoCloseable {

    /** A serving certificate and the CA sent after it (kubelet's self-signed pair sends its own CA). */
    record Issuer(TestPki.Issued leaf, X509Certificate ca) {
    }

    record Answer(int status, byte[] body, long delayMillis) {
        static Answer ok(String body) {
            return new Answer(200, body.getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    /** Client ports seen: one per TCP (and so TLS) connection. */
    final java.util.Set<Integer> remotePorts = ConcurrentHashMap.newKeySet();
    /**
     * 0: a body goes out in one write (the JDK server cuts it into 16 KiB TLS records). n: in flushed writes of n
     * bytes, one TLS record each, as a Go kubelet's 4 KiB connection buffer sends a long body on a kept-alive
     * connection (net/http's bufio.Writer of 4 KiB over crypto/tls, one record per write).
     */
    volatile int writeBytes;
    /** Gzip the body when the request asks for it (Accept-Encoding: gzip), as a Go kubelet does. */
    volatile boolean gzipWhenAsked;

    KubeletStandIn(TestPki.Issued serving, X509Certificate servingCa, X509Certificate clientCa) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {TestPki.keyManager(new TestPki.Issued(serving.cert(), serving.key(), servingCa))},
                new TrustManager[] {TestPki.trustManager(clientCa)}, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            remotePorts.add(exchange.getRemoteAddress().getPort());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                lastAuthorization.put(path, auth);
            }
            Answer a = answers.getOrDefault(path, new Answer(404, "404 page not found\n".getBytes(StandardCharsets.UTF_8), 0));
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                byte[] body = a.body();
                String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
                if (gzipWhenAsked && body.length > 0 && accept != null && accept.contains("gzip")) {
                    body = gzip(body);
                    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        int step = writeBytes > 0 ? writeBytes : body.length;
                        for (int off = 0; off < body.length; off += step) {
                            out.write(body, off, Math.min(step, body.length - off));
                            out.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // the client went away (timeout or body cap): expected in some tests
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private static byte[] gzip(byte[] body) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(body.length / 4);
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(bytes)) {
            z.write(body);
        }
        return bytes.toByteArray();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
