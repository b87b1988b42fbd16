package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.http.HttpWhiteboard;
import io.kma.http.server.internal.ServerSettings.Limits;
import io.kma.http.server.internal.TestClient.Response;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * What an anonymous caller on the node network can do to the listener (issue 10), against the real
 * listener on 127.0.0.1: none of it may stop an authenticated client from being answered.
 */
class HostileCallersTest {

    @TempDir
    static Path tmp;

    private TestListener listener;
    private SSLContext client;
    private final List<Socket> sockets = new ArrayList<>();

    /**
     * Behaves like the metrics API handler did when the issue was filed: leaves the I/O thread, blocks,
     * answers 401 without credentials, ends the exchange (which drained an unread body on a worker).
     */
    static final class BlockingApi implements HttpHandler {

        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            calls.incrementAndGet();
            exchange.startBlocking();
            try {
                boolean ok = "Bearer good".equals(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.setStatusCode(ok ? 200 : 401);
                exchange.getOutputStream().write((ok ? "nodes" : "Unauthorized").getBytes(StandardCharsets.UTF_8));
            } finally {
                exchange.endExchange();
            }
        }
    }

    @BeforeEach
    void client() throws Exception {
        client = TestClient.trustingAll(null);
    }

    @AfterEach
    void close() {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        });
        if (listener != null) {
            listener.close();
        }
    }

    private TestListener start(Limits limits) throws Exception {
        listener = new TestListener(Duration.ofSeconds(5))
                .start(new ServerSettings("127.0.0.1", 0, null, null, tmp.resolve("certs"), false, limits));
        return listener;
    }

    private SSLSocket open() throws IOException {
        SSLSocket s = TestClient.connect(client, listener.port());
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void bodiesOnReadOnlyRoutesAreRefusedWithoutBeingReadAndHoldNoWorker() throws Exception {
        BlockingApi api = new BlockingApi();
        start(Limits.DEFAULTS).addHandler(api, 0, "/apis");
        // The attack: 40 connections, each announcing a 1 MB body and sending one byte of it.
        for (int i = 0; i < 40; i++) {
            SSLSocket s = open();
            send(s, "POST /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000\r\n\r\n{");
        }
        for (Socket s : sockets) {
            Response r = TestClient.read(s.getInputStream(), false);
            assertEquals(413, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(r.body().contains("\"reason\":\"RequestEntityTooLarge\""), r.body());
            assertEquals(-1, s.getInputStream().read(), "the connection is closed, the body never drained");
        }
        // An authenticated client is answered (a generous bound: an answer at all, not a latency).
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Future<Response> answer = one.submit(() -> TestClient.get(client, listener.port(),
                    "/apis/metrics.k8s.io/v1beta1", "Authorization: Bearer good"));
            Response r = answer.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals("nodes", r.body());
        } finally {
            one.shutdownNow();
        }
        // GET with a body, and chunked bodies, are refused the same way.
        assertEquals(413, TestClient.raw(client, listener.port(),
                "GET /livez HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n").status());
        assertEquals(413, TestClient.raw(client, listener.port(),
                "POST /apis HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n").status());
        assertEquals(1, api.calls.get(), "only the authenticated GET reached a handler (and a worker thread)");
    }

    @Test
    void slowlorisConnectionsHoldNoWorkerAndAreClosedAfterTheHeaderTimeout() throws Exception {
        BlockingApi api = new BlockingApi();
        start(new Limits(2000, 200, 400, Duration.ofSeconds(60), Duration.ofSeconds(2))).addHandler(api, 0, "/apis");
        List<SSLSocket> slow = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SSLSocket s = open();
            send(s, "GET /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\nX-a: ");
            slow.add(s);
        }
        // TLS connections that never send a request, and plain TCP connections that never even start TLS.
        for (int i = 0; i < 5; i++) {
            open();
        }
        for (int i = 0; i < 10; i++) {
            Socket raw = new Socket("127.0.0.1", listener.port());
            raw.setSoTimeout(10_000);
            sockets.add(raw);
        }
        assertEquals(200, TestClient.get(client, listener.port(), "/apis/x", "Authorization: Bearer good").status());
        assertEquals(1, api.calls.get(), "half-sent headers are parsed on I/O threads: no handler, no worker waits");
        // Both kinds are closed by the server after the 2 s header timeout (read ends; bounded by SO_TIMEOUT 10 s).
        for (Socket s : sockets) {
            InputStream in = s.getInputStream();
            try {
                long n = 0;
                while (in.read() != -1 && n++ < 4096) {
                    // a 408 or alert may come first; the stream must end
                }
            } catch (IOException e) {
                // reset or TLS error: closed as well
            }
        }
        assertEquals(0, listener.service.connectionLimiter().openConnections());
    }

    @Test
    void connectionsAreCappedInAllAndPerClientAddress() throws Exception {
        start(new Limits(6, 3, 400, Duration.ofSeconds(60), Duration.ofSeconds(30)));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, TestClient.request(open(), "GET", "/livez").status());
        }
        // A fourth from 127.0.0.1 is closed at once: the handshake fails.
        assertThrows(IOException.class, () -> {
            SSLSocket s = open();
            TestClient.request(s, "GET", "/livez");
        });
        // Another client address still gets in, up to the total cap.
        for (int i = 0; i < 3; i++) {
            SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.port(),
                    InetAddress.getByName("127.0.0.2"), 0);
            sockets.add(s);
            s.setSoTimeout(10_000);
            assertEquals(200, TestClient.request(s, "GET", "/livez").status());
        }
        assertThrows(IOException.class, () -> {
            SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.port(),
                    InetAddress.getByName("127.0.0.3"), 0);
            sockets.add(s);
            s.setSoTimeout(10_000);
            TestClient.request(s, "GET", "/livez");
        }, "total cap reached");
        // counted on the accepting I/O thread: the refused client's failure does not order it, so wait (at most 5 s)
        for (int i = 0; i < 50 && listener.metrics.refusedConnections.sum() < 2; i++) {
            Thread.sleep(100);
        }
        assertTrue(listener.metrics.refusedConnections.sum() >= 2, "refused: " + listener.metrics.refusedConnections.sum());
        // Closing frees the slots.
        sockets.remove(0).close();
        Thread.sleep(200);
        assertEquals(200, TestClient.get(client, listener.port(), "/livez").status());
    }

    @Test
    void headersOverOneMebibyteGet431() throws Exception {
        start(Limits.DEFAULTS);
        String big = "x".repeat((1 << 20) + 8192);
        Response r = TestClient.raw(client, listener.port(), "GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
        assertEquals(431, r.status());
        assertEquals("close", r.header("Connection"));
        assertEquals(200, TestClient.get(client, listener.port(), "/livez", "X-Small: " + "y".repeat(1000)).status());
    }

    @Test
    void maxInFlightAnswers429WithRetryAfterAndExemptsHealth() throws Exception {
        start(new Limits(2000, 200, 2, Duration.ofSeconds(60), Duration.ofSeconds(30)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(2);
        listener.addHandler(exchange -> { // the router calls it on a worker thread
            entered.countDown();
            release.await(20, TimeUnit.SECONDS);
            Responses.text(exchange, 200, "done");
        }, 0, "/apis");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Response>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(pool.submit(() -> TestClient.get(client, listener.port(), "/apis/held")));
            }
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            Response r = TestClient.get(client, listener.port(), "/apis/third");
            assertEquals(429, r.status());
            assertEquals("1", r.header("Retry-After"));
            assertEquals("Too many requests, please try again later.\n", r.body());
            assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
            assertEquals(200, TestClient.get(client, listener.port(), "/readyz").status(), "health is exempt");
            assertEquals(200, TestClient.get(client, listener.port(), "/livez").status(), "health is exempt");
            assertEquals(429, TestClient.get(client, listener.port(), "/livez/ping").status(),
                    "only the exact health endpoints are exempt");
            release.countDown();
            for (Future<Response> f : held) {
                assertEquals(200, f.get(10, TimeUnit.SECONDS).status());
            }
            assertEquals(2, listener.metrics.tooManyRequests.sum());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aRequestPastTheTimeoutGets504Status() throws Exception {
        start(new Limits(2000, 200, 400, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        listener.addHandler(exchange -> { // the router calls it on a worker thread
            entered.countDown();
            release.await(20, TimeUnit.SECONDS);
            if (!exchange.isComplete()) {
                Responses.text(exchange, 200, "late");
            }
        }, 0, "/apis");
        try {
            Response r = TestClient.get(client, listener.port(), "/apis/slow");
            assertEquals(504, r.status());
            assertEquals(RequestLimits.TIMEOUT_BODY, r.body());
            assertEquals("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Timeout: request did not complete within "
                    + "the allotted timeout\",\"reason\":\"Timeout\",\"details\":{},\"code\":504}\n", r.body());
            assertEquals(1, listener.metrics.timeouts.sum());
            assertEquals(0, entered.getCount(), "the handler was running");
        } finally {
            release.countDown();
        }
        // The slot is given back when the released handler returns (on its worker thread, so wait for it, bounded).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listener.service.limits().inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, listener.service.limits().inFlight());
    }

    @Test
    void identityHeadersReachOnlyHandlersThatAuthenticateThem() throws Exception {
        start(Limits.DEFAULTS);
        HttpHandler echo = exchange -> Responses.text(exchange, 200,
                String.valueOf(exchange.getRequestHeaders().getFirst("X-Remote-User")) + ","
                        + exchange.getRequestHeaders().getFirst("x-remote-extra-scopes"));
        listener.addHandler(echo, 0, "/other");
        long id = 77_000;
        listener.routes.bind(id, echo, Map.of(HttpWhiteboard.PATH_PREFIX, "/apis", "service.id", id,
                HttpWhiteboard.REQUEST_HEADER_AUTHENTICATION, true));
        String[] forged = {"X-Remote-User: system:admin", "X-Remote-Extra-Scopes: all"};
        assertEquals("null,null", TestClient.get(client, listener.port(), "/other/x", forged).body());
        assertEquals("system:admin,all", TestClient.get(client, listener.port(), "/apis/x", forged).body());
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        start(Limits.DEFAULTS);
        SSLSocket s = TestClient.connect(client, listener.port(), "TLSv1.2");
        sockets.add(s);
        assertEquals(200, TestClient.request(s, "GET", "/livez").status());
        s.startHandshake(); // a renegotiation on TLS 1.2
        assertThrows(IOException.class, () -> TestClient.request(s, "GET", "/livez"));
        assertFalse(listener.service.address() == null);
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
