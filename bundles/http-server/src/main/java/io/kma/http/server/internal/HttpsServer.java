package io.kma.http.server.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;

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
    private Undertow undertow;
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
        Undertow server = Undertow.builder()
                .setWorker(worker)
                .addHttpsListener(settings.port(), settings.bindAddress(), serving.context())
                .setHandler(graceful)
                // ALPN offers h2 then http/1.1, as upstream's Go server.
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setServerOption(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100)
                // Upstream: MaxHeaderBytes 1 MiB, ReadHeaderTimeout 32 s, IdleTimeout 90 s.
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 1 << 20)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 32_000)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 90_000)
                .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(ServingTls.protocols(settings)))
                .setSocketOption(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(serving.cipherSuites()))
                // Requested, not required: see AnyClientCertificate.
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            worker.shutdownNow();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ListenerException("cannot listen on " + settings.authority() + ": " + cause.getMessage());
        }
        undertow = server;
        address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
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
        undertow.getListenerInfo().get(0).setSslContext(serving.context());
        settings = newSettings;
        LOG.info("Serving {} on {}", serving.description(), authority(address));
    }

    /**
     * Stops accepting, lets requests in flight finish (at most {@code drain}), then closes every
     * connection and the worker.
     */
    synchronized void stop(Duration drain) {
        if (undertow == null) {
            return;
        }
        long start = System.nanoTime();
        graceful.shutdown(); // requests arriving on open connections from now on get 503
        undertow.stop(); // closes the listening socket; our worker and its connections stay
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
        undertow = null;
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
