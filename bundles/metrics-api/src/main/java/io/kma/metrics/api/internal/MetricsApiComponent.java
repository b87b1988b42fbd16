package io.kma.metrics.api.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
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

import io.kma.api.auth.AccessReviewer;
import io.kma.api.auth.AuthenticationSettingsSource;
import io.kma.api.auth.RequestHeaderSettings;
import io.kma.api.auth.TokenReviewer;
import io.kma.api.cluster.ClusterView;
import io.kma.api.config.Pids;
import io.kma.api.http.AccessGate;
import io.kma.api.http.HttpWhiteboard;
import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;
import io.kma.api.tls.TlsMaterials;
import io.kma.shared.metrics.Histogram;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The metrics.k8s.io endpoint as a handler on the http-server whiteboard. All references are dynamic so
 * that a replaced store, kube-client or tls bundle is picked up without re-registering the handler; the
 * handler itself holds only caches, so replacing this bundle loses nothing but warm caches.
 */
@Component(service = {HttpHandler.class, AccessGate.class}, configurationPid = Pids.METRICS_API,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {HttpWhiteboard.PATH_PREFIX + "=/apis", HttpWhiteboard.PATH_PREFIX + "=/openapi",
            HttpWhiteboard.PATH_PREFIX + "=/version", HttpWhiteboard.PATH_PREFIX + "=/metrics",
            HttpWhiteboard.REQUEST_HEADER_AUTHENTICATION + ":Boolean=true"})
@Designate(ocd = MetricsApiConfig.class)
public class MetricsApiComponent implements HttpHandler, AccessGate, Collaborators {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsApiComponent.class);

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterView cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsStore store;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TokenReviewer tokenReviewer;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessReviewer accessReviewer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuthenticationSettingsSource authenticationSettings;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsMaterials tls;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MetricsSource> metricsSources;

    // Survives configuration changes so /metrics keeps counting; a bundle update restarts it (a counter reset).
    private final Histogram freshness = SelfMetrics.newFreshnessHistogram();
    private volatile MetricsApiHandler handler;
    private String version = "0.0.0";

    @Activate
    void activate(MetricsApiConfig config, BundleContext context) {
        version = context.getBundle().getVersion().toString();
        apply(config, "activated");
    }

    @Modified
    void modified(MetricsApiConfig config) {
        apply(config, "reconfigured");
    }

    @Deactivate
    void deactivate() {
        MetricsApiHandler old = handler;
        handler = null;
        if (old != null) {
            old.close();
        }
    }

    private void apply(MetricsApiConfig config, String event) {
        ApiSettings settings;
        try {
            settings = ApiSettings.from(config);
        } catch (IllegalArgumentException e) {
            // SCR logs the failed activation; this line says what to fix.
            LOG.error("metrics API not {}: configuration {} invalid: {}", event, Pids.METRICS_API, e.getMessage());
            throw e;
        }
        MetricsApiHandler previous = handler;
        handler = new MetricsApiHandler(settings, this, freshness, version, MetricsApiComponent::epochNanos, System::nanoTime);
        if (previous != null) {
            previous.close();
        }
        if (settings.alwaysAllow()) {
            LOG.warn("AUTHORIZATION DISABLED: authorizationMode=AlwaysAllow lets every authenticated caller read all "
                    + "metrics and /metrics; use it in labs only, never on a real cluster");
        }
        LOG.info("metrics API {}: nodeSelector \"{}\", request-header CA {}, authorization {}", event,
                settings.nodeSelector(), settings.requestHeaderCaFile().isEmpty()
                        ? "from ConfigMap kube-system/extension-apiserver-authentication" : settings.requestHeaderCaFile(),
                settings.alwaysAllow() ? "AlwaysAllow" : "Webhook");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        MetricsApiHandler h = handlerOr503(exchange);
        if (h != null) {
            h.handleRequest(exchange);
        }
    }

    /** The current handler, or null after answering 503 (deactivated, or a configuration being applied). */
    private MetricsApiHandler handlerOr503(HttpServerExchange exchange) {
        MetricsApiHandler h = handler;
        if (h == null) {
            exchange.setStatusCode(503);
            exchange.endExchange();
        }
        return h;
    }

    /** The http-server's health sub-paths: authenticated and authorized like any other non-resource path. */
    @Override
    public boolean admit(HttpServerExchange exchange) throws Exception {
        MetricsApiHandler h = handlerOr503(exchange);
        return h != null && h.admit(exchange);
    }

    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public ClusterView cluster() {
        return cluster;
    }

    @Override
    public MetricsStore store() {
        return store;
    }

    @Override
    public TokenReviewer tokenReviewer() {
        return tokenReviewer;
    }

    @Override
    public AccessReviewer accessReviewer() {
        return accessReviewer;
    }

    @Override
    public TlsMaterials tls() {
        return tls;
    }

    @Override
    public Optional<RequestHeaderSettings> configMapSettings() {
        AuthenticationSettingsSource source = authenticationSettings;
        if (source == null) {
            return Optional.empty();
        }
        try {
            return source.requestHeaderSettings();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<MetricsSource> metricsSources() {
        List<MetricsSource> l = metricsSources;
        return l == null ? List.of() : l;
    }
}
