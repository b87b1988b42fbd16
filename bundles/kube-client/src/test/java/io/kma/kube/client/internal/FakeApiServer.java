package io.kma.kube.client.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.kma.testsupport.TestPki;

/**
 * A tiny kube-apiserver on 127.0.0.1 over HTTPS that requires a client certificate from the test CA.
 * Tests register a handler per path; every request is recorded.
 */
final class FakeApiServer implements AutoCloseable {

    /** A recorded request; header names are lower-case. */
    record Request(String method, String path, String rawQuery, Map<String, String> headers, String body,
            int remotePort) {

        String param(String name) {
            if (rawQuery == null) {
                return null;
            }
            for (String kv : rawQuery.split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                if (k.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        boolean isWatch() {
            return "true".equals(param("watch"));
        }
    }

    interface Handler {
        void handle(HttpExchange ex, Request r) throws IOException;
    }

    /** Events a test pushes into the open watch of one resource. */
    static final class WatchFeed {

        static final String END = "\u0000end";
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        void send(String type, String objectJson) {
            events.add("{\"type\":\"" + type + "\",\"object\":" + objectJson + "}");
        }

        /** An event written as given, e.g. with its fields in another order. */
        void raw(String eventJson) {
            events.add(eventJson);
        }

        void bookmark(String rv) {
            send("BOOKMARK", "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"}}");
        }

        void error(int code, String reason) {
            send("ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\""
                    + reason + "\",\"code\":" + code + "}");
        }

        /** Ends the current watch response, as kube-apiserver does at timeoutSeconds. */
        void end() {
            events.add(END);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-apiserver");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopped;

    FakeApiServer(ApiServerPki pki, int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {pki.server().keyManager()}, new TrustManager[] {TestPki.trustManager(pki.ca().cert())}, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "https://127.0.0.1:" + port();
    }

    void on(String path, Handler h) {
        handlers.put(path, h);
    }

    List<Request> requestsTo(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try {
            Map<String, String> headers = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                    headers, body, ex.getRemoteAddress().getPort());
            requests.add(r);
            Handler h = handlers.get(r.path());
            if (h == null) {
                json(ex, 404, status(404, "NotFound", "the server could not find the requested resource"));
                return;
            }
            h.handle(ex, r);
        } finally {
            ex.close();
        }
    }

    static void json(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
                + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    }

    /** Streams the feed's events (one JSON object per line, chunked) until {@link WatchFeed#end()} or 20 s. */
    void stream(HttpExchange ex, WatchFeed feed) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0);
        OutputStream os = ex.getResponseBody();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try {
            while (!stopped && System.nanoTime() < deadline) {
                String e = feed.events.poll(50, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                if (e.equals(WatchFeed.END)) {
                    break;
                }
                os.write((e + "\n").getBytes(StandardCharsets.UTF_8));
                os.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        os.close();
    }

    @Override
    public void close() {
        stopped = true;
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- object builders -------------------------------------------------------------------

    static String list(String kind, String rv, String cont, String... items) {
        return "{\"kind\":\"" + kind + "\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv + "\""
                + (cont == null ? "" : ",\"continue\":\"" + cont + "\"") + "},\"items\":[" + String.join(",", items) + "]}";
    }

    static String node(String name, String rv) {
        return "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"" + rv
                + "\",\"creationTimestamp\":\"2026-11-01T10:00:00Z\",\"labels\":{\"kubernetes.io/hostname\":\"" + name
                + "\"},\"annotations\":{\"node.alpha.kubernetes.io/ttl\":\"0\"}},"
                + "\"spec\":{\"podCIDR\":\"10.0.0.0/24\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.1\"},"
                + "{\"type\":\"Hostname\",\"address\":\"" + name + "\"}],\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},"
                + "\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}],"
                + "\"images\":[{\"names\":[\"registry/x:1\"],\"sizeBytes\":1}]}}";
    }

    static String pod(String namespace, String name, String rv, String app) {
        return "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"" + namespace + "\",\"resourceVersion\":\"" + rv
                + "\",\"creationTimestamp\":\"2026-11-02T10:00:00Z\",\"labels\":{\"app\":\"" + app
                + "\",\"pod-template-hash\":\"5d8f\"}}}";
    }
}
