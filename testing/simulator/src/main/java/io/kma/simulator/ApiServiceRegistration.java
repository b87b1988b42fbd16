package io.kma.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The APIService v1beta1.metrics.k8s.io: where the aggregator sends metrics.k8s.io, and whether
 * its last availability check succeeded (checked on every change and periodically, as the
 * aggregator's availability controller does).
 */
public final class ApiServiceRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServiceRegistration.class);
    public static final String NAME = "v1beta1.metrics.k8s.io";

    /** The Available condition. */
    public record Availability(boolean available, String reason, String message, long sinceEpochSecond) {
    }

    private final AggregatorProxy proxy;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "apiservice-availability");
        t.setDaemon(true);
        return t;
    });
    private final long intervalSeconds;
    private final boolean insecureSkipTlsVerify;
    private final long createdEpochSecond = Instant.now().getEpochSecond();
    private volatile URI backend;
    private volatile Availability availability = new Availability(false, "ServiceNotFound", "no appliance registered", createdEpochSecond);
    private ScheduledFuture<?> periodic;

    ApiServiceRegistration(AggregatorProxy proxy, long intervalSeconds, boolean insecureSkipTlsVerify) {
        this.proxy = proxy;
        this.intervalSeconds = intervalSeconds;
        this.insecureSkipTlsVerify = insecureSkipTlsVerify;
    }

    /** Points the APIService at the appliance (null unregisters) and checks availability at once. */
    public synchronized void register(URI url) {
        backend = url;
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        if (url == null) {
            setAvailability(false, "ServiceNotFound", "no appliance registered");
            LOG.info("apiservice {} unregistered", NAME);
            return;
        }
        LOG.info("apiservice {} registered: {}", NAME, url);
        periodic = timer.scheduleWithFixedDelay(this::checkNow, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    public URI backend() {
        return backend;
    }

    public boolean registered() {
        return backend != null;
    }

    public Availability availability() {
        return availability;
    }

    /** Runs the availability check now; returns whether it succeeded. */
    public boolean checkNow() {
        URI b = backend;
        if (b == null) {
            return false;
        }
        String failure = proxy.check(b);
        if (failure == null) {
            setAvailability(true, "Passed", "all checks passed");
        } else {
            setAvailability(false, "FailedDiscoveryCheck", failure);
        }
        return failure == null;
    }

    private void setAvailability(boolean ok, String reason, String message) {
        Availability old = availability;
        if (old.available() != ok || !old.reason().equals(reason)) {
            availability = new Availability(ok, reason, message, Instant.now().getEpochSecond());
            LOG.info("apiservice {} Available={} reason={} {}", NAME, ok ? "True" : "False", reason, ok ? "" : message);
        } else {
            availability = new Availability(ok, reason, message, old.sinceEpochSecond());
        }
    }

    void serve(HttpServerExchange ex, String name) throws IOException {
        if (name != null && (!name.equals(NAME) || backend == null)) {
            Http.status(ex, 404, "NotFound", "apiservices.apiregistration.k8s.io \"" + name + "\" not found",
                    "apiregistration.k8s.io", "apiservices", name);
            return;
        }
        Http.json(ex, 200, g -> {
            if (name != null) {
                write(g);
                return;
            }
            g.writeStartObject();
            Render.typeMeta(g, "APIServiceList", "apiregistration.k8s.io/v1");
            g.writeObjectFieldStart("metadata");
            g.writeEndObject();
            g.writeArrayFieldStart("items");
            if (backend != null) {
                write(g);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void write(JsonGenerator g) throws IOException {
        Availability a = availability;
        URI b = backend;
        g.writeStartObject();
        Render.typeMeta(g, "APIService", "apiregistration.k8s.io/v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", NAME);
        g.writeStringField("uid", Uids.uid(0xa91, 1));
        g.writeStringField("creationTimestamp", Render.time(createdEpochSecond));
        g.writeEndObject();
        g.writeObjectFieldStart("spec");
        g.writeObjectFieldStart("service");
        g.writeStringField("name", "kube-metrics-appliance");
        g.writeStringField("namespace", "kube-system");
        g.writeNumberField("port", b == null || b.getPort() < 0 ? 443 : b.getPort());
        g.writeEndObject();
        g.writeStringField("group", ApiServerHandler.METRICS_GROUP);
        g.writeStringField("version", "v1beta1");
        g.writeBooleanField("insecureSkipTLSVerify", insecureSkipTlsVerify);
        g.writeNumberField("groupPriorityMinimum", 100);
        g.writeNumberField("versionPriority", 100);
        g.writeEndObject();
        g.writeObjectFieldStart("status");
        g.writeArrayFieldStart("conditions");
        g.writeStartObject();
        g.writeStringField("type", "Available");
        g.writeStringField("status", a.available() ? "True" : "False");
        g.writeStringField("lastTransitionTime", Render.time(a.sinceEpochSecond()));
        g.writeStringField("reason", a.reason());
        g.writeStringField("message", a.message());
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
