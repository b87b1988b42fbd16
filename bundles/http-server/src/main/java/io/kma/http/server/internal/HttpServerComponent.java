package io.kma.http.server.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Xnio;

import io.kma.api.auth.AuthenticationSettingsSource;
import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.config.Pids;
import io.kma.api.http.AccessGate;
import io.kma.api.http.HealthCheck;
import io.kma.api.http.HttpWhiteboard;
import io.kma.api.runtime.Readiness;
import io.kma.api.tls.TlsMaterials;
import io.kma.http.server.internal.HttpsServer.ListenerException;
import io.undertow.server.HttpHandler;

/**
 * The HTTPS listener as a DS component: configuration {@code io.kma.http.server}, the handler
 * whiteboard ({@code HttpHandler} services with {@code kma.http.path}) and the health checks; also the
 * {@link Readiness} that the launcher's systemd notification waits for. The work is done by {@link HttpService}
 * and {@link ServingReadiness}; this class only adapts DS events to them.
 */
@Component(configurationPid = Pids.HTTP_SERVER, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = Readiness.class)
@Designate(ocd = HttpServerConfig.class)
public final class HttpServerComponent implements Readiness {

    /** How long a request waits for the handler of a prefix that is being replaced. */
    static final Duration HANDLER_WAIT = Duration.ofSeconds(5);

    /** How long requests in flight may take to finish when the listener stops. */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerComponent.class);

    /*
     * Undertow.start() looks the XNIO provider up with Xnio.getInstance(Undertow's class loader). Inside
     * OSGi that ServiceLoader cannot see xnio-nio's META-INF/services, and XNIO falls back to the
     * org.xnio.Xnio service that xnio-nio's activator registers, which works only if xnio-nio is already
     * active. This static, mandatory reference makes DS wait for that service before activating us (and
     * deactivate us when it goes); without it, activation fails once with "XNIO001001: No XNIO provider
     * found" and DS never retries. The service is also used to create the listener's worker.
     * See reference/osgi-stack.md §4 item 5.
     */
    @Reference(target = "(name=nio)")
    private Xnio xnio;

    /*
     * Dynamic and greedy: when a new tls bundle registers its TlsMaterials before the old one leaves
     * (an rpm upgrade installs the new jar first), the open port switches to it without a restart.
     * When the last one leaves, DS deactivates this component: there is nothing to serve TLS with.
     */
    private volatile TlsMaterials tls;

    @Reference
    private ShutdownCheck shutdown;

    @Reference
    private HttpRequestMetrics metrics;

    /* Optional and dynamic: without a gate the health sub-paths answer 401; a new metrics-api bundle's gate
       replaces the old one on the open port. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessGate gate;

    /* The request-header names the cluster publishes, removed from requests like X-Remote-*. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuthenticationSettingsSource authenticationSettings;

    // Created with the instance: DS binds the dynamic references below before activate().
    private final HandlerRoutes routes = new HandlerRoutes(HANDLER_WAIT, HealthEndpoints.paths());
    private final HealthEndpoints health = new HealthEndpoints();
    private volatile HttpService service;
    private volatile ServingReadiness readiness;

    @Activate
    void activate(HttpServerConfig config) {
        HttpService s = new HttpService(xnio, () -> tls, routes, health, metrics, shutdown, DRAIN, () -> gate,
                this::clusterHeaderNames);
        service = s;
        readiness = new ServingReadiness(s::address, routes, health);
        apply(config);
    }

    @Override
    public Optional<String> waitingFor() {
        ServingReadiness r = readiness;
        return r == null ? Optional.of("waiting for the HTTPS listener") : r.waitingFor();
    }

    @Modified
    void modified(HttpServerConfig config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        service.stop();
    }

    private Optional<RequestHeaderSettings> clusterHeaderNames() {
        AuthenticationSettingsSource source = authenticationSettings;
        try {
            return source == null ? Optional.empty() : source.requestHeaderSettings();
        } catch (RuntimeException e) {
            return Optional.empty(); // X-Remote-* are removed all the same
        }
    }

    private void apply(HttpServerConfig config) {
        ServerSettings settings;
        try {
            settings = ServerSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("HTTPS listener configuration {} rejected: {}", Pids.HTTP_SERVER, e.getMessage());
            return;
        }
        try {
            service.apply(settings);
        } catch (ListenerException e) {
            LOG.error("HTTPS listener not started: {}", e.getMessage());
        }
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindTls(TlsMaterials materials) {
        HttpService current = service;
        tls = materials;
        if (current != null) { // a replacement while active; the first bind happens before activate()
            try {
                current.tlsReplaced();
            } catch (ListenerException e) {
                LOG.error("Replaced TlsMaterials cannot serve: {}", e.getMessage());
            }
        }
    }

    void unbindTls(TlsMaterials materials) {
        // Nothing to do: a replacement was bound first, or DS is deactivating this component.
    }

    @Reference(service = HttpHandler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + HttpWhiteboard.PATH_PREFIX + "=*)", updated = "updatedHandler")
    void bindHandler(HttpHandler handler, Map<String, Object> properties) {
        routes.bind(properties.get("service.id"), handler, properties);
    }

    void updatedHandler(HttpHandler handler, Map<String, Object> properties) {
        routes.bind(properties.get("service.id"), handler, properties);
    }

    void unbindHandler(HttpHandler handler, Map<String, Object> properties) {
        routes.unbind(properties.get("service.id"));
    }

    @Reference(service = HealthCheck.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            updated = "updatedHealthCheck")
    void bindHealthCheck(HealthCheck check, Map<String, Object> properties) {
        health.add(properties.get("service.id"), check, properties);
    }

    void updatedHealthCheck(HealthCheck check, Map<String, Object> properties) {
        health.add(properties.get("service.id"), check, properties);
    }

    void unbindHealthCheck(HealthCheck check, Map<String, Object> properties) {
        health.remove(properties.get("service.id"));
    }
}
