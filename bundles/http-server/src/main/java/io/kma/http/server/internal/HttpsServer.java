package io.kma.http.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
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

    private ServerSettings settings;
    private final Xnio xnio;
    private final TlsMaterials tls; // for start(); replaceCertificate() is given the current one
    private final GracefulShutdownHandler graceful;
    /** Fits a whole TLS record (16 KiB of data plus its overhead), so the SSL conduit needs one buffer per record. */
    static final int BUFFER_SIZE = 17 * 1024;

    private AcceptingChannel<SslConnection> listener;
    private UndertowXnioSsl ssl;
    private XnioWorker worker;
    private InetSocketAddress address;

    HttpsServer(ServerSettings settings, Xnio xnio, TlsMaterials tls, HttpHandler root) {
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
        // Built by hand rather than with Undertow.builder(): the builder's HTTPS listener encrypts into direct
        // buffers, for which JDK 17's AES-GCM runs GHASH in a plain Java loop instead of the CLMUL intrinsic it
        // uses on heap arrays; that loop was half of the CPU of a large pod list (JFR, scale.sh JFR=lists).
        ByteBufferPool buffers = new DefaultByteBufferPool(false, BUFFER_SIZE, -1, 4);
        OptionMap serverOptions = OptionMap.builder()
                // ALPN offers h2 then http/1.1, as upstream's Go server.
                .set(UndertowOptions.ENABLE_HTTP2, true)
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100)
                // Upstream: MaxHeaderBytes 1 MiB, ReadHeaderTimeout 32 s, IdleTimeout 90 s.
                .set(UndertowOptions.MAX_HEADER_SIZE, 1 << 20)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, 32_000)
                .set(UndertowOptions.IDLE_TIMEOUT, 90_000)
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .getMap();
        HttpOpenListener http1 = new HttpOpenListener(buffers, serverOptions);
        http1.setRootHandler(graceful);
        Http2OpenListener http2 = new Http2OpenListener(buffers, serverOptions, "h2");
        http2.setRootHandler(graceful);
        AlpnOpenListener alpn = new AlpnOpenListener(buffers, serverOptions, http1);
        alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.BACKLOG, 1000)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.TCP_NODELAY, true)
                .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(ServingTls.protocols(settings)))
                .set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(serving.cipherSuites()))
                // Requested, not required: see AnyClientCertificate.
                .set(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .getMap();
        UndertowXnioSsl xnioSsl = new UndertowXnioSsl(xnio, OptionMap.EMPTY, buffers, serving.context());
        AcceptingChannel<SslConnection> server;
        try {
            server = xnioSsl.createSslConnectionServer(worker,
                    new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()),
                    ChannelListeners.openListenerAdapter(alpn), socketOptions);
            server.resumeAccepts();
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw new ListenerException("cannot listen on " + settings.authority() + ": " + e.getMessage());
        }
        listener = server;
        ssl = xnioSsl;
        address = server.getLocalAddress(InetSocketAddress.class);
        LOG.info("Serving HTTPS on {} (TLS {}+, {})", authority(address), settings.tls13Only() ? "1.3" : "1.2",
                serving.description());
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
        if (listener == null) {
            return;
        }
        long start = System.nanoTime();
        graceful.shutdown(); // requests arriving on open connections from now on get 503
        try {
            listener.close(); // the listening socket; our worker and its connections stay
        } catch (IOException e) {
            LOG.warn("closing the listening socket on {}: {}", authority(address), e.getMessage());
        }
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
        listener = null;
        ssl = null;
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
