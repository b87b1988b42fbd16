package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.Test;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;

import io.kma.testsupport.TestPki;

/**
 * A kubelet that offers h2 through ALPN (as real kubelets do) is scraped over HTTP/1.1: the client offers only
 * http/1.1 ({@link KubeletHttpClient#PROTOCOL}: HTTP/2 would hold ~98 KB per kept-alive connection instead of ~30),
 * and without asking for a compressed body.
 */
class KubeletProtocolTest {

    /** The Accept-Encoding header of each request the server received ("" when absent). */
    private final ConcurrentLinkedQueue<String> acceptEncodings = new ConcurrentLinkedQueue<>();

    @Test
    void staysOnHttp11WhenTheKubeletOffersH2() throws Exception {
        scrapeTwice();
    }

    /**
     * HttpClient 5.6 asks for gzip/deflate by default and a real kubelet then gzips /metrics/resource: the inflate
     * cost more CPU than the LAN traffic it saved (KubeletHttpClient, disableContentCompression).
     */
    @Test
    void doesNotAskForACompressedBody() throws Exception {
        scrapeTwice();
        assertEquals(2, acceptEncodings.size());
        for (String accept : acceptEncodings) {
            assertEquals("", accept, "Accept-Encoding sent to the kubelet");
        }
    }

    private void scrapeTwice() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        TestPki.Issued serving = TestPki.server(kubeletCa, "node-h2", "node-h2");
        KubeletCredentials creds = Fixtures.credentials(TestPki.client(clientCa, "CN=client").keyManager(),
                null, "test cert");

        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(new KeyManager[] {serving.keyManager()}, new TrustManager[] {TestPki.trustManager(clientCa.cert())}, null);
        byte[] body = KubeletScrapeTest.BODY.getBytes(StandardCharsets.UTF_8);
        Undertow server = Undertow.builder()
                .addHttpsListener(0, "127.0.0.1", serverCtx)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUIRED)
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(ex -> {
                    // null when absent: ConcurrentLinkedQueue takes no nulls, so record absence as ""
                    String accept = ex.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING);
                    acceptEncodings.add(accept == null ? "" : accept);
                    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
                })
                .build();
        server.start();
        NodeNameVerifier verifier = new NodeNameVerifier();
        verifier.expect(Map.of("127.0.0.1", List.of(new NodeNameVerifier.Expected("node-h2", java.util.Set.of("node-h2")))));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new CredentialsKeyManager(creds)},
                new TrustManager[] {new KubeletTrustManager(TestPki.trustManager(kubeletCa.cert()), "ca.crt")}, null);
        try (KubeletHttpClient http = new KubeletHttpClient(ctx, verifier, 8000, 4, new BufferPool(2, 1 << 20))) {
            int port = ((java.net.InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            KubeletEndpoint ep = new KubeletEndpoint("127.0.0.1", port, "InternalIP");
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                KubeletResponse r = http.get(ep, "/metrics/resource", null, 1 << 20, 8000).get(10, TimeUnit.SECONDS);
                System.out.printf("scrape %d: %s %d in %.1f ms%n", i, r.protocol(), r.status(), (System.nanoTime() - t0) / 1e6);
                assertEquals(200, r.status());
                assertEquals("HTTP/1.1", r.protocol());
                assertEquals(body.length, r.length());
            }
        } finally {
            server.stop();
        }
    }
}
