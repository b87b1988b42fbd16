package io.kma.http.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Xnio;

import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.http.AccessGate;
import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.http.server.internal.HttpsServer.ListenerException;

/**
 * The listener and what it serves, without OSGi: the routes, health endpoints and metrics outlive
 * listener restarts, so a configuration change never loses a handler or a counter. The DS component
 * is a thin adapter over this class; tests drive it directly.
 */
final class HttpService {

    private final Xnio xnio;
    private final Supplier<TlsMaterials> tls;
    private final HandlerRoutes routes;
    private final ShutdownCheck shutdown;
    private final RootHandler root;
    private final HttpRequestMetrics metrics;
    private final Duration drain;
    private HttpsServer server; // guarded by this
    private ScheduledExecutorService renewal; // guarded by this

    /** How often the self-signed certificate is checked for renewal (the tls bundle renews it 30 days ahead). */
    static final Duration RENEWAL_CHECK = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

    /**
     * @param tls the current TlsMaterials service; asked again at each (re)start, so a replaced tls
     *            bundle is used from then on
     */
    HttpService(Xnio xnio, Supplier<TlsMaterials> tls, HandlerRoutes routes, HealthEndpoints health, HttpRequestMetrics metrics,
            ShutdownCheck shutdown, Duration drain) {
        this(xnio, tls, routes, health, metrics, shutdown, drain, () -> null, Optional::empty);
    }

    /**
     * @param gate        the current AccessGate for the health sub-paths, or null
     * @param headerNames the request-header names the cluster publishes, removed like {@code X-Remote-*}
     */
    HttpService(Xnio xnio, Supplier<TlsMaterials> tls, HandlerRoutes routes, HealthEndpoints health, HttpRequestMetrics metrics,
            ShutdownCheck shutdown, Duration drain, Supplier<AccessGate> gate,
            Supplier<Optional<RequestHeaderSettings>> headerNames) {
        this.xnio = xnio;
        this.tls = tls;
        this.routes = routes;
        this.shutdown = shutdown;
        this.metrics = metrics;
        this.root = new RootHandler(health, routes, metrics, new RequestScreen(headerNames), gate, null);
        this.drain = drain;
        health.add(MaxInFlightFilterHook.class, new MaxInFlightFilterHook(root::limits), MaxInFlightFilterHook.PROPERTIES);
    }

    /** The request limits in effect, null before the first start. */
    RequestLimits limits() {
        return root.limits();
    }

    /** The connection caps of the running listener, null when none runs. */
    synchronized ConnectionLimiter connectionLimiter() {
        return server == null ? null : server.limiter();
    }

    /**
     * Starts the listener, or applies changed settings: a new certificate source is swapped in on the
     * open port; a changed address, port or TLS version restarts the listener.
     */
    synchronized void apply(ServerSettings settings) throws ListenerException {
        shutdown.markServing();
        RequestLimits inEffect = root.limits();
        if (inEffect == null || !inEffect.sameAs(settings.limits())) {
            root.limits(new RequestLimits(settings.limits().maxRequestsInflight(), settings.limits().requestTimeout(), metrics));
        }
        if (server != null) {
            ServerSettings current = server.settings();
            if (current.sameListener(settings)) {
                if (!current.sameCertificate(settings)) {
                    try {
                        server.replaceCertificate(settings, tls.get());
                    } catch (TlsException e) {
                        throw new ListenerException(e.getMessage() + " (still serving the previous certificate)");
                    }
                }
                return;
            }
            server.stop(drain);
            server = null;
        }
        HttpsServer next = new HttpsServer(settings, xnio, tls.get(), root, metrics);
        next.start();
        server = next;
        if (renewal == null) {
            renewal = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kma-https-certificate-renewal");
                t.setDaemon(true);
                return t;
            });
            renewal.scheduleWithFixedDelay(this::renewSelfSigned, RENEWAL_CHECK.toMinutes(), RENEWAL_CHECK.toMinutes(),
                    TimeUnit.MINUTES);
        }
    }

    /**
     * Has the tls bundle renew the self-signed pair when it is due (or missing); the listener's key manager
     * serves the new files on the next handshake, without a restart. Nothing to do for configured files.
     */
    synchronized void renewSelfSigned() {
        if (server == null || server.settings().tlsCertFile() != null) {
            return;
        }
        ServerSettings s = server.settings();
        try {
            TlsMaterials.CertificateFiles files = tls.get().selfSigned(s.certDir(), List.of("localhost"), s.selfSignedIps());
            if (files.generated()) {
                LOG.info("Serving the renewed self-signed certificate {} on new connections", files.certificate());
            }
        } catch (TlsException | RuntimeException e) {
            LOG.warn("Self-signed certificate in {} not renewed (retried in {} min): {}", s.certDir(), RENEWAL_CHECK.toMinutes(),
                    e.getMessage());
        }
    }

    /**
     * The TlsMaterials service was replaced (a new tls bundle registered before the old one left):
     * the open port switches to key material from the new one on new handshakes.
     */
    synchronized void tlsReplaced() throws ListenerException {
        if (server != null) {
            try {
                server.replaceCertificate(server.settings(), tls.get());
            } catch (TlsException e) {
                throw new ListenerException(e.getMessage() + " (still serving the previous certificate)");
            }
        }
    }

    /** The bound address, null when no listener runs. */
    synchronized InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    /** Fails the shutdown check, releases waiting requests, stops accepting and drains. */
    synchronized void stop() {
        shutdown.markStopping();
        routes.close();
        if (renewal != null) {
            renewal.shutdownNow();
            renewal = null;
        }
        if (server != null) {
            server.stop(drain);
            server = null;
        }
    }
}
