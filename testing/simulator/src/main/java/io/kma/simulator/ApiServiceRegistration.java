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
    /** Set when the APIService names a Service: the aggregator then resolves through its Endpoints. */
    private volatile ServiceRef service;
    private final java.util.concurrent.atomic.AtomicLong roundRobin = new java.util.concurrent.atomic.AtomicLong();
    private RegistrationObjects objects;
    private volatile Availability availability = new Availability(false, "ServiceNotFound", "no appliance registered", createdEpochSecond);
    private ScheduledFuture<?> periodic;

    ApiServiceRegistration(AggregatorProxy proxy, long intervalSeconds, boolean insecureSkipTlsVerify) {
        this.proxy = proxy;
        this.intervalSeconds = intervalSeconds;
        this.insecureSkipTlsVerify = insecureSkipTlsVerify;
    }

    /** The Service an APIService names; the aggregator dials the Endpoints' addresses of its port named {@code https}. */
    public record ServiceRef(String namespace, String name) {
        static final String PORT_NAME = "https";
    }

    /** Where the Endpoints live when the APIService names a Service. */
    void objects(RegistrationObjects registrationObjects) {
        this.objects = registrationObjects;
    }

    /**
     * Points the APIService at a Service: every proxied request and availability probe goes to one of the ready
     * addresses of the Service's Endpoints, in turn (kube-apiserver 1.20 with {@code --enable-aggregator-routing}
     * picks one at random per request; round robin makes tests with two appliances deterministic).
     */
    public synchronized void registerService(String namespace, String name) {
        backend = null;
        service = new ServiceRef(namespace, name);
        if (periodic != null) {
            periodic.cancel(false);
        }
        LOG.info("apiservice {} registered: service {}/{}", NAME, namespace, name);
        periodic = timer.scheduleWithFixedDelay(this::checkNow, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    /** The ready endpoint addresses ("ip:port") of the registered Service; empty when the APIService names a URL. */
    public java.util.List<String> endpoints() {
        ServiceRef s = service;
        return s == null || objects == null ? java.util.List.of() : objects.readyAddresses(s.namespace(), s.name(), ServiceRef.PORT_NAME);
    }

    /** Points the APIService at the appliance (null unregisters) and checks availability at once. */
    public synchronized void register(URI url) {
        service = null;
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

    /** Where the next request goes: the registered URL, or the Service's next ready endpoint; null when none. */
    public URI backend() {
        if (service == null) {
            return backend;
        }
        java.util.List<String> addresses = endpoints();
        if (addresses.isEmpty()) {
            return null;
        }
        String hostPort = addresses.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) addresses.size()));
        return URI.create("https://" + (hostPort.indexOf(':') != hostPort.lastIndexOf(':')
                ? "[" + hostPort.substring(0, hostPort.lastIndexOf(':')) + "]" + hostPort.substring(hostPort.lastIndexOf(':'))
                : hostPort));
    }

    /** The Service the APIService names, or null. */
    public ServiceRef service() {
        return service;
    }

    public boolean registered() {
        return backend != null || service != null;
    }

    public Availability availability() {
        return availability;
    }

    /** Runs the availability check now; returns whether it succeeded. */
    public boolean checkNow() {
        ServiceRef s = service;
        URI b = backend();
        if (s != null && b == null) {
            setAvailability(false, "MissingEndpoints", "endpoints for service/" + s.name() + " in \"" + s.namespace()
                    + "\" have no addresses with port name \"" + ServiceRef.PORT_NAME + "\"");
            return false;
        }
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
        if (name != null && (!name.equals(NAME) || !registered())) {
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
            if (registered()) {
                write(g);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void write(JsonGenerator g) throws IOException {
        Availability a = availability;
        URI b = backend;
        ServiceRef s = service;
        g.writeStartObject();
        Render.typeMeta(g, "APIService", "apiregistration.k8s.io/v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", NAME);
        g.writeStringField("uid", Uids.uid(0xa91, 1));
        g.writeStringField("creationTimestamp", Render.time(createdEpochSecond));
        g.writeEndObject();
        g.writeObjectFieldStart("spec");
        g.writeObjectFieldStart("service");
        g.writeStringField("name", s == null ? "kube-metrics-appliance" : s.name());
        g.writeStringField("namespace", s == null ? "kube-system" : s.namespace());
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
