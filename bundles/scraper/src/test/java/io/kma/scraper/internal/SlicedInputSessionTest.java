package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.function.Decorator;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

import io.kma.testsupport.TestPki;

/**
 * Decrypted input reaches the HTTP/1.1 handler in slices, whole and in order, so that HttpCore's session input
 * buffer does not grow to a TLS record and stay there for the connection's life.
 */
class SlicedInputSessionTest {

    private static final int SLICE = 512;

    @Test
    void aLargeBufferArrivesInSlicesInOrder() throws Exception {
        byte[] data = bytes(5_000);
        List<Integer> sizes = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        IOEventHandler sliced = new SlicedInputSession.SlicingHandler(handler((s, src) -> {
            sizes.add(src.remaining());
            byte[] b = new byte[src.remaining()];
            src.get(b);
            got.write(b, 0, b.length);
        }), SLICE);
        ByteBuffer src = ByteBuffer.wrap(data, 100, 4_900);

        sliced.inputReady(null, src);

        assertEquals(List.of(512, 512, 512, 512, 512, 512, 512, 512, 512, 292), sizes);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 5_000), got.toByteArray());
        assertEquals(5_000, src.position(), "all of it consumed");
        assertEquals(5_000, src.limit(), "the caller's limit is back");
    }

    @Test
    void smallBuffersAndEndOfStreamPassUnchanged() throws Exception {
        List<ByteBuffer> seen = new ArrayList<>();
        IOEventHandler sliced = new SlicedInputSession.SlicingHandler(handler((s, src) -> seen.add(src)), SLICE);
        ByteBuffer small = ByteBuffer.wrap(bytes(SLICE));

        sliced.inputReady(null, small);
        sliced.inputReady(null, null);

        assertEquals(2, seen.size());
        assertSame(small, seen.get(0));
        assertEquals(SLICE, seen.get(0).remaining(), "not touched");
        assertEquals(null, seen.get(1));
    }

    @Test
    void aHandlerThatKeepsPartOfASliceGetsTheRestAtOnce() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        IOEventHandler sliced = new SlicedInputSession.SlicingHandler(handler((s, src) -> {
            sizes.add(src.remaining());
            src.position(src.position() + Math.min(src.remaining(), 100)); // takes 100 bytes of whatever it gets
        }), SLICE);
        ByteBuffer src = ByteBuffer.wrap(bytes(2_000));

        sliced.inputReady(null, src);

        assertEquals(List.of(512, 2_000 - 100), sizes, "one slice, then everything left in one call");
        assertEquals(2_000, src.limit());
    }

    @Test
    void aFailingHandlerGetsNoMoreSlicesAndTheLimitIsRestored() {
        List<Integer> sizes = new ArrayList<>();
        IOEventHandler sliced = new SlicedInputSession.SlicingHandler(handler((s, src) -> {
            sizes.add(src.remaining());
            throw new IOException("broken");
        }), SLICE);
        ByteBuffer src = ByteBuffer.wrap(bytes(2_000));

        assertThrows(IOException.class, () -> sliced.inputReady(null, src));

        assertEquals(List.of(512), sizes);
        assertEquals(2_000, src.limit());
    }

    @Test
    void upgradeWrapsTheHandlerOnceAndTheRestIsTheSessionsOwn() {
        AtomicReference<IOEventHandler> installed = new AtomicReference<>();
        IOSession raw = session(installed);
        IOSession decorated = SlicedInputSession.decorator(SLICE).decorate(raw);
        IOEventHandler protocol = handler((s, src) -> { });

        decorated.upgrade(protocol);
        IOEventHandler wrapped = installed.get();
        assertTrue(wrapped instanceof SlicedInputSession.SlicingHandler);
        assertSame(protocol, ((SlicedInputSession.SlicingHandler) wrapped).handler());

        SlicedInputSession.decorator(SLICE).decorate(raw).upgrade(wrapped);
        assertSame(wrapped, installed.get(), "a sliced handler is not wrapped twice");
        assertSame(wrapped, decorated.getHandler());
        assertEquals("raw-1", decorated.getId());
        assertThrows(IllegalArgumentException.class, () -> SlicedInputSession.decorator(0));
    }

    /**
     * The real HttpAsyncClient over real TLS against a JDK server, whose records carry up to 16 KiB: the protocol
     * handler never sees more than a slice, while the TLS layer handed over more, and the body arrives intact.
     */
    @Test
    void overRealTlsTheProtocolHandlerSeesOnlySlices() throws Exception {
        TestPki.Issued kubeletCa = TestPki.ca("kubelet-ca");
        TestPki.Issued clientCa = TestPki.ca("client-ca");
        byte[] body = ResourceMetricsParserBenchmark.simulatedBody(1, 70);
        ConcurrentLinkedQueue<Integer> fromTls = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> toProtocol = new ConcurrentLinkedQueue<>();
        // raw session <- records what TLS hands over <- slices <- records what the protocol handler gets
        Decorator<IOSession> sliced = SlicedInputSession.decorator(SLICE);
        Decorator<IOSession> chain = s -> recording(sliced.decorate(recording(s, fromTls::add)), toProtocol::add);
        try (KubeletStandIn kubelet = new KubeletStandIn(TestPki.server(kubeletCa, "k", "k"), kubeletCa.cert(),
                clientCa.cert())) {
            kubelet.answers.put("/metrics/resource", new KubeletStandIn.Answer(200, body, 0));
            SSLContext tls = TestPki.clientContext(kubeletCa.cert(), TestPki.client(clientCa, "CN=c"));
            try (CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                    .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                            .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls)
                                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                                    .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                                    .setSslBufferMode(SSLBufferMode.DYNAMIC).buildAsync())
                            .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                            .build())
                    .setIoSessionDecorator(chain)
                    .build()) {
                client.start();
                for (int i = 0; i < 2; i++) {
                    SimpleHttpResponse r = client.execute(SimpleRequestBuilder
                            .get("https://127.0.0.1:" + kubelet.port() + "/metrics/resource").build(), null)
                            .get(10, TimeUnit.SECONDS);
                    assertEquals(200, r.getCode());
                    assertArrayEquals(body, r.getBodyBytes(), "body " + i + " changed on its way");
                }
                client.close(CloseMode.GRACEFUL);
            }
        }
        int largestFromTls = fromTls.stream().mapToInt(Integer::intValue).max().orElse(0);
        int largestToProtocol = toProtocol.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertTrue(largestFromTls > 4 * SLICE, "the server's records were small (" + largestFromTls
                + " bytes): this test shows nothing");
        assertTrue(largestToProtocol <= SLICE, "the protocol handler got " + largestToProtocol + " bytes at once");
        assertEquals(fromTls.stream().mapToLong(Integer::longValue).sum(),
                toProtocol.stream().mapToLong(Integer::longValue).sum(), "bytes lost or added between the layers");
    }

    private interface Input {
        void accept(IOSession s, ByteBuffer src) throws IOException;
    }

    private static IOEventHandler handler(Input input) {
        return (IOEventHandler) Proxy.newProxyInstance(IOEventHandler.class.getClassLoader(),
                new Class<?>[] {IOEventHandler.class}, (p, m, args) -> {
                    if (m.getName().equals("inputReady")) {
                        input.accept((IOSession) args[0], (ByteBuffer) args[1]);
                    }
                    return null;
                });
    }

    /** A session that only keeps what {@code upgrade} installs. */
    private static IOSession session(AtomicReference<IOEventHandler> installed) {
        return (IOSession) Proxy.newProxyInstance(IOSession.class.getClassLoader(), new Class<?>[] {IOSession.class},
                (p, m, args) -> switch (m.getName()) {
                    case "upgrade" -> {
                        installed.set((IOEventHandler) args[0]);
                        yield null;
                    }
                    case "getHandler" -> installed.get();
                    case "getId" -> "raw-1";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** {@code session}, whose handlers installed through it report the size of each non-null input. */
    private static IOSession recording(IOSession session, IntConsumer sizes) {
        return (IOSession) Proxy.newProxyInstance(IOSession.class.getClassLoader(), new Class<?>[] {IOSession.class},
                (p, m, args) -> {
                    Object[] a = args;
                    if (m.getName().equals("upgrade")) {
                        IOEventHandler h = (IOEventHandler) args[0];
                        a = new Object[] {recordingHandler(h, sizes)};
                    }
                    try {
                        return m.invoke(session, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static IOEventHandler recordingHandler(IOEventHandler h, IntConsumer sizes) {
        return (IOEventHandler) Proxy.newProxyInstance(IOEventHandler.class.getClassLoader(),
                new Class<?>[] {IOEventHandler.class}, (p, m, args) -> {
                    if (m.getName().equals("inputReady") && args[1] != null) {
                        sizes.accept(((ByteBuffer) args[1]).remaining());
                    }
                    try {
                        return m.invoke(h, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
