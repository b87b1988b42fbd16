package io.kma.http.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;

/**
 * One Undertow HTTPS listener: started once, stopped once. Plain Java, no OSGi: the component (or a
 * test) gives it the settings, the XNIO provider and the root handler.
 */
final class HttpsServer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsServer.class);
    static final int WRITE_TIMEOUT_MILLIS = 30_000;
    /*
     * Heap buffers, not direct ones, on both sides of the TLS engine. JDK 17 authenticates an AES-GCM record
     * written into a direct buffer with GHASH.processBlocksDirect, which copies the record into a new 1 KiB
     * array at a time and ran C1-compiled for minutes in a running appliance (lists are rare next to scrapes);
     * into a heap buffer it takes GHASH.update(byte[]) over the whole record, the path the scraper's reads
     * already get intrinsified. A heap buffer costs one copy into the JDK's per-thread temporary direct buffer
     * per socket write (one record, at most RECORD_BUFFER_BYTES). testing/benchmarks/README.md, branch i14n.
     */
    /*
     * Undertow's HTTP buffers: 64 bytes short of one TLS record's plaintext (2^14), so that over HTTP/2 a DATA frame
     * with its 9-byte header fits one record (the JDK puts at most 16,367 bytes into a TLS 1.3 record; a full 16 KiB
     * frame took two records and two socket writes; 64 leaves room for TLS 1.2's explicit nonce too). Reads are
     * unaffected: SslConduit unwraps a larger record into its own record-sized buffer. Reverted once (i14t) because
     * MetricsApiTest's bundle swap under load lost a request with 503 in 2 of 3 runs; that 503 was not this size:
     * a request routed to the old handler ran after DS had deactivated it (HandlerRoutes now waits for the requests
     * inside a handler being removed). testing/benchmarks/README.md.
     */
    static final int APP_BUFFER_BYTES = 16 * 1024 - 64;
    /** The TLS engine's buffers: a whole record with its header, padding and tag (the JDK's 16,709 fits). */
    static final int RECORD_BUFFER_BYTES = 17 * 1024;
    /*
     * What the pools keep when buffers come back: at most this many in each shared queue plus a few per
     * thread (4 I/O + up to 32 workers); beyond that a returned buffer is garbage, so many slow readers cost
     * heap while they hold their connections (bounded by the connection caps), and nothing after they go.
     * (Before: a direct pool with no shared queue, -1, and Undertow's static direct 17 KiB TLS pool with 12
     * buffers per thread, never released.)
     */
    static final int POOLED_BUFFERS = 64;
    static final int THREAD_CACHED_BUFFERS = 4;

    static {
        // TLS renegotiation off (upstream's Go server never renegotiates). The JDK reads this once, when
        // the first server handshake loads ServerHandshakeContext; the launcher sets it too, on the
        // command line, in case anything handshakes as a server before this class is loaded.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private ServerSettings settings;
    private final Xnio xnio;
    private final TlsMaterials tls; // for start(); replaceCertificate() is given the current one
    private final GracefulShutdownHandler graceful;
    private AcceptingChannel<SslConnection> channel;
    private UndertowXnioSsl ssl;
    private ByteBufferPool bufferPool;
    private ByteBufferPool recordPool;
    private ConnectionLimiter limiter;
    private XnioWorker worker;
    private InetSocketAddress address;

    private final HttpRequestMetrics metrics;

    HttpsServer(ServerSettings settings, Xnio xnio, TlsMaterials tls, HttpHandler root, HttpRequestMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.xnio = xnio;
        this.tls = tls;
        this.graceful = new GracefulShutdownHandler(root);
    }

    synchronized ServerSettings settings() {
        return settings;
    }

    /**
     * Binds and serves.
     *
     * @throws ListenerException with one line naming what failed (certificate, address in use...)
     */
    synchronized void start() throws ListenerException {
        ServingTls serving;
        try {
            serving = ServingTls.create(settings, tls);
        } catch (TlsException e) {
            throw new ListenerException(e.getMessage());
        }
        try {
            // Our own worker, from the Xnio service we were given: Undertow then leaves it alone on
            // stop(), so in-flight requests can finish after the listening socket is closed.
            worker = xnio.createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "kma-https")
                    .set(Options.WORKER_IO_THREADS, Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())))
                    .set(Options.WORKER_TASK_CORE_THREADS, 4)
                    .set(Options.WORKER_TASK_MAX_THREADS, 32)
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (IOException e) {
            throw new ListenerException("cannot create the XNIO worker: " + e.getMessage());
        }
        int headerMillis = (int) settings.limits().headerTimeout().toMillis();
        OptionMap undertowOptions = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.ENABLE_HTTP2, true)
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100)
                // Upstream: MaxHeaderBytes 1 MiB (+4 KiB slack, then 431; see RequestScreen), ReadHeaderTimeout
                // 32 s, IdleTimeout 90 s. Beyond the hard cap Undertow answers 400 and closes.
                .set(UndertowOptions.MAX_HEADER_SIZE, RequestScreen.MAX_HEADER_BYTES + (64 << 10))
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, headerMillis)
                // From accept (TLS handshake included) to the first request, and between requests: a
                // connection that sends nothing is closed, so slowloris holds connections, never workers,
                // and not for long.
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, headerMillis)
                .set(UndertowOptions.IDLE_TIMEOUT, 90_000)
                // No handler here reads a body (RequestScreen refuses them); this bounds what a future one could be sent.
                .set(UndertowOptions.MAX_ENTITY_SIZE, 1L << 20)
                .getMap();
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                // A response the client does not read (a slow reader holding a worker) fails after this.
                .set(Options.WRITE_TIMEOUT, WRITE_TIMEOUT_MILLIS)
                .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(ServingTls.protocols(settings)))
                .set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(serving.cipherSuites()))
                // Requested, not required: see AnyClientCertificate.
                .set(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .getMap();
        // Built as Undertow.start() builds an HTTPS listener, with the ConnectionLimiter between the
        // accepting channel and the open listener: Undertow's builder has no hook there.
        ByteBufferPool buffers = new DefaultByteBufferPool(false, APP_BUFFER_BYTES, POOLED_BUFFERS, THREAD_CACHED_BUFFERS);
        ByteBufferPool records = new DefaultByteBufferPool(false, RECORD_BUFFER_BYTES, POOLED_BUFFERS, THREAD_CACHED_BUFFERS);
        HttpOpenListener http1 = new HttpOpenListener(buffers, undertowOptions);
        http1.setRootHandler(graceful);
        Http2OpenListener http2 = new Http2OpenListener(buffers, undertowOptions);
        http2.setRootHandler(graceful);
        // ALPN offers h2 then http/1.1, as upstream's Go server.
        AlpnOpenListener alpn = new AlpnOpenListener(buffers, undertowOptions, http1);
        alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
        limiter = new ConnectionLimiter(alpn, settings.limits().maxConnections(), settings.limits().maxConnectionsPerClient(),
                metrics.refusedConnections, headerMillis);
        UndertowXnioSsl xnioSsl = new UndertowXnioSsl(xnio, OptionMap.EMPTY, records, serving.context());
        AcceptingChannel<SslConnection> server;
        try {
            @SuppressWarnings({"unchecked", "rawtypes"})
            ChannelListener<AcceptingChannel<SslConnection>> accept = (ChannelListener) limiter;
            server = xnioSsl.createSslConnectionServer(worker,
                    new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()), accept, socketOptions);
            server.resumeAccepts();
        } catch (IOException | RuntimeException e) {
            buffers.close();
            records.close();
            worker.shutdownNow();
            throw new ListenerException("cannot listen on " + settings.authority() + ": " + e.getMessage());
        }
        channel = server;
        ssl = xnioSsl;
        bufferPool = buffers;
        recordPool = records;
        address = server.getLocalAddress(InetSocketAddress.class);
        LOG.info("Serving HTTPS on {} (TLS {}+, {})", authority(address), settings.tls13Only() ? "1.3" : "1.2",
                serving.description());
    }

    /** The connection caps in effect, for tests and diagnostics. */
    synchronized ConnectionLimiter limiter() {
        return limiter;
    }

    /** Where the listener is bound (with the real port when 0 was asked). */
    synchronized InetSocketAddress address() {
        return address;
    }

    /**
     * Serves another certificate source (changed file names or cert dir) on new handshakes, without
     * closing the port; open connections keep their sessions.
     */
    synchronized void replaceCertificate(ServerSettings newSettings, TlsMaterials materials) throws TlsException {
        ServingTls serving = ServingTls.create(newSettings, materials);
        ssl.updateSSLContext(serving.context());
        settings = newSettings;
        LOG.info("Serving {} on {}", serving.description(), authority(address));
    }

    /**
     * Stops accepting, lets requests in flight finish (at most {@code drain}), then closes every
     * connection and the worker.
     */
    synchronized void stop(Duration drain) {
        if (channel == null) {
            return;
        }
        long start = System.nanoTime();
        graceful.shutdown(); // requests arriving on open connections from now on get 503
        IoUtils.safeClose(channel); // closes the listening socket; our worker and its connections stay
        boolean drained;
        try {
            drained = graceful.awaitShutdown(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(1, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.shutdownNow();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (drained) {
            LOG.info("Stopped HTTPS on {} in {} ms", authority(address), millis);
        } else {
            LOG.warn("Stopped HTTPS on {} in {} ms; requests still in flight after {} ms were cut", authority(address),
                    millis, drain.toMillis());
        }
        bufferPool.close();
        recordPool.close();
        channel = null;
    }

    private static String authority(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The listener could not start; the message is one line naming the cause. */
    static final class ListenerException extends Exception {

        private static final long serialVersionUID = 1L;

        ListenerException(String message) {
            super(message);
        }
    }
}
