package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.http.server.internal.ListServer;
import io.kma.testsupport.TestPki;
import io.undertow.server.HttpServerExchange;

/**
 * Large bodies written by the I/O thread ({@link ChunkSender} behind {@link CompressibleBody}) through the
 * appliance's real HTTPS listener (HTTP/2 by ALPN, and HTTP/1.1): whole and byte for byte, gzip or not; a client
 * that stops reading holds the writer back (two chunks, not the body, are in flight); a client that goes away
 * ends the writer's wait with an IOException (at the latest at the stall bound, short here).
 */
class ChunkSenderTest {

    /** An odd size, written in uneven pieces, so that chunk boundaries fall anywhere. */
    private static final int BODY = 3 * ChunkSender.CHUNK * 5 + 12_345;
    /** A body far larger than any buffer between the writer and a client that does not read. */
    private static final long ENDLESS = 1L << 30;

    @TempDir
    static Path dir;
    static ListServer server;
    /** The same handler behind the listener's request deadline (1 s), and the default stall bound. */
    static ListServer limited;
    static HttpClient h2;
    static HttpClient http1;
    static final AtomicLong written = new AtomicLong();
    static volatile CompletableFuture<Long> writer = new CompletableFuture<>();
    /** Short, so that the stall bound can be seen to end a wait. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(3);

    @BeforeAll
    static void start() throws Exception {
        server = new ListServer(dir.resolve("plain"), ChunkSenderTest::handle);
        limited = new ListServer(dir.resolve("limited"), ChunkSenderTest::handle, Duration.ofSeconds(1));
        X509Certificate cert;
        X509Certificate other;
        try (InputStream in = Files.newInputStream(dir.resolve("plain/apiserver.crt"));
                InputStream in2 = Files.newInputStream(dir.resolve("limited/apiserver.crt"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            other = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in2);
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {TestPki.trustManager(cert, other)}, null);
        h2 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        http1 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (limited != null) {
            limited.close();
        }
    }

    /** As the handler serves a list: a plain task on a worker, blocking, through CompressibleBody. */
    private static void handle(HttpServerExchange exchange) {
        exchange.dispatch(() -> {
            exchange.startBlocking();
            String path = exchange.getRequestPath();
            long length = path.endsWith("/endless") ? ENDLESS : BODY;
            long stall = path.startsWith("/limited") ? ChunkSender.STALL_NANOS : STALL_NANOS;
            CompletableFuture<Long> result = writer;
            try (CompressibleBody body = new CompressibleBody(exchange, stall)) {
                if (path.endsWith("/late")) {
                    Thread.sleep(1_500); // past the 1 s deadline before the first byte
                }
                byte[] piece = new byte[300_000];
                long at = 0;
                for (int i = 0; at < length; i++) {
                    // the first piece decides gzip (over CompressibleBody.THRESHOLD); the rest uneven
                    int n = (int) Math.min(length - at, i == 0 ? piece.length : 1 + (i * 7_919L) % piece.length);
                    for (int k = 0; k < n; k++) {
                        piece[k] = at(at + k);
                    }
                    body.write(piece, 0, n);
                    at += n;
                    written.set(at);
                }
                body.finish();
                result.complete(at);
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } finally {
                exchange.endExchange();
            }
        });
    }

    private static byte at(long i) {
        return (byte) (i * 31 + (i >>> 13));
    }

    private static byte[] expected() {
        byte[] b = new byte[BODY];
        for (int i = 0; i < BODY; i++) {
            b[i] = at(i);
        }
        return b;
    }

    private static HttpRequest request(String path, boolean gzip) {
        int port = path.startsWith("/limited") ? limited.port() : server.port();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60));
        if (gzip) {
            b.header("Accept-Encoding", "gzip");
        }
        return b.build();
    }

    @Test
    void largeBodiesArriveWholeOverHttp2AndHttp11WithAndWithoutGzip() throws Exception {
        byte[] expected = expected();
        for (HttpClient client : new HttpClient[] {h2, http1}) {
            for (boolean gzip : new boolean[] {false, true}) {
                writer = new CompletableFuture<>();
                HttpResponse<byte[]> r = client.send(request("/body", gzip), HttpResponse.BodyHandlers.ofByteArray());
                String what = client.version() + (gzip ? " gzip" : "");
                assertEquals(200, r.statusCode(), what);
                assertEquals(client.version(), r.version(), what);
                assertEquals((long) BODY, writer.get(10, TimeUnit.SECONDS), what);
                byte[] body = r.body();
                if (gzip) {
                    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""), what);
                    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                        body = in.readAllBytes();
                    }
                }
                assertArrayEquals(expected, body, what);
            }
        }
    }

    @Test
    void aClientThatStopsReadingHoldsTheWriterBackAndOneThatLeavesEndsItsWait() throws Exception {
        for (HttpClient client : new HttpClient[] {h2, http1}) {
            String what = client.version().toString();
            writer = new CompletableFuture<>();
            written.set(0);
            HttpResponse<InputStream> r = client.send(request("/endless", false), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode(), what);
            InputStream in = r.body();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            for (int n = in.read(buf); n >= 0 && read < 4 << 20; n = in.read(buf)) {
                read += n;
            }
            // the writer runs ahead only by what the socket buffers, the HTTP/2 windows and two chunks hold
            for (int i = 0; i < 50 && written.get() < 256L << 20; i++) {
                Thread.sleep(20);
            }
            assertTrue(written.get() < 256L << 20, what + ": the writer waits for the client, wrote " + written.get());
            assertFalse(writer.isDone(), what + ": still writing");
            long start = System.nanoTime();
            // HTTP/1.1: the connection is closed, the I/O thread's write fails. HTTP/2: the stream is reset while its
            // window is exhausted, which Undertow does not report: the stall bound ends the wait.
            in.close();
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> writer.get(STALL_NANOS * 5, TimeUnit.NANOSECONDS), what);
            assertInstanceOf(IOException.class, failed.getCause(), what);
            System.out.printf("%s: the writer's wait ended %.0f ms after the client left: %s%n", what,
                    (System.nanoTime() - start) / 1e6, failed.getCause());
        }
    }

    @Test
    void theRequestDeadlineAnswers504BeforeTheBodyAndEndsTheWaitOfOneStarted() throws Exception {
        for (HttpClient client : new HttpClient[] {h2, http1}) {
            String what = client.version().toString();
            writer = new CompletableFuture<>();
            HttpResponse<String> late = client.send(request("/limited/late", false), HttpResponse.BodyHandlers.ofString());
            assertEquals(504, late.statusCode(), what);
            assertTrue(late.body().contains("\"reason\":\"Timeout\""), what + ": " + late.body());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> writer.get(30, TimeUnit.SECONDS), what);
            assertInstanceOf(IOException.class, refused.getCause(), what + ": the writer learns it, nothing is written");
        }
        // Over HTTP/1.1 the deadline closes the connection of a started body: the writer's wait ends at once, not at
        // the stall bound (60 s here). (Over HTTP/2 it resets the stream, which with an exhausted window ends at the
        // stall bound: see the test above.)
        writer = new CompletableFuture<>();
        HttpResponse<InputStream> r = http1.send(request("/limited/endless", false), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertEquals(200, r.statusCode());
            long start = System.nanoTime();
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> writer.get(ChunkSender.STALL_NANOS / 2, TimeUnit.NANOSECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
            System.out.printf("HTTP/1.1 past the deadline: the writer's wait ended %.0f ms after the response started: %s%n",
                    (System.nanoTime() - start) / 1e6, failed.getCause());
        }
    }
}
