package io.kma.registration.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.config.Pids;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.http.HealthCheck;
import io.kma.api.kube.KubeResources;
import io.kma.api.runtime.HandOver;

/**
 * Self-registration as a DS component: every second it samples readiness, every {@code renewIntervalSeconds} it runs
 * a {@link Registrar} round (at once when readiness changes). It is also a {@link HandOver} of the launcher's
 * SIGTERM: the address leaves the Endpoints first, within
 * {@link #WITHDRAW_WAIT_SECONDS}, while the listener keeps serving for {@code server.shutdownDelay}; at deactivation
 * the Lease and the EndpointSlice are deleted. Idle in {@code doctor} and {@code identity} runs and with
 * {@code registration.enabled: false}. A configuration update that keeps what is registered (address, port, Service,
 * Lease) keeps the registration: only the timings change, so a reload never takes the address out of rotation.
 */
@Component(configurationPid = {Pids.REGISTRATION, Pids.HTTP_SERVER}, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = HandOver.class)
public final class RegistrationComponent implements HandOver {

    static final long WITHDRAW_WAIT_SECONDS = 5;
    static final long SAMPLE_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationComponent.class);

    private final Readiness readiness = new Readiness();
    /** How long after activation kube-apiserver may be unknown before it is a problem worth a WARN. */
    private static final long STARTUP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(15);
    private volatile long activatedNanos;
    private final OnceAMinuteLog problems = new OnceAMinuteLog(LOG, System::nanoTime);

    /* Dynamic and greedy: a replaced kube-client bundle's service is used from the next round on. */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile KubeResources kube;

    private volatile RegistrationConfig config;
    private String hostnameOverride;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> loop;
    private volatile boolean terminating;
    /** Set on the executor thread by the hand-over tasks: the only calls allowed once {@link #terminating}. */
    private volatile boolean handingOver;

    // executor thread only
    private Registrar registrar;
    private boolean roundDone;
    private long nextRoundNanos;
    private Boolean lastReady;
    private long listenerCheckedNanos;
    private boolean listenerOk;

    @Activate
    void activate(BundleContext context, RegistrationConfig config) {
        this.config = config;
        terminating = false;
        handingOver = false;
        registrar = null;
        roundDone = false;
        lastReady = null;
        listenerCheckedNanos = 0;
        activatedNanos = System.nanoTime();
        String mode = context.getProperty(Diagnosis.MODE);
        if (mode != null && !mode.isEmpty() && !mode.equals("run")) {
            return; // doctor / identity: look, never write
        }
        if (!config.enabled()) {
            LOG.info("self-registration off (registration.enabled: false): the Service's Endpoints are left as they are");
            return;
        }
        hostnameOverride = context.getProperty(HostName.PROPERTY);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kma-registration");
            t.setDaemon(true);
            return t;
        });
        loop = executor.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A ConfigAdmin update of either PID: when what is registered stays the same (enabled, address, port, Service,
     * Lease namespace and duration), the next rounds use the new timings and the registration stays; otherwise the
     * old registration is handed over and a new one starts, as a deactivation and activation would.
     */
    @Modified
    void modified(BundleContext context, RegistrationConfig next) {
        RegistrationConfig old = config;
        if (sameRegistration(old, next)) {
            config = next;
            return;
        }
        LOG.info("registration settings changed: re-registering");
        deactivate();
        activate(context, next);
    }

    static boolean sameRegistration(RegistrationConfig a, RegistrationConfig b) {
        return a.enabled() == b.enabled() && a.advertiseAddress().equals(b.advertiseAddress()) && a.service().equals(b.service())
                && a.leaseNamespace().equals(b.leaseNamespace()) && a.leaseDurationSeconds() == b.leaseDurationSeconds()
                && a.allowLoopback() == b.allowLoopback() && a.securePort() == b.securePort();
    }

    /**
     * SIGTERM: out of rotation first (bounded), then serving on for {@code server.shutdownDelay} (counted from the
     * signal, as kube-apiserver's {@code --shutdown-delay-duration}) so that requests kube-apiserver routed here before
     * it saw the change are answered. Without a registration there is nothing to wait for.
     */
    @Override
    public void handOver() {
        ExecutorService e = executor;
        if (e == null || terminating) {
            return;
        }
        long start = System.nanoTime();
        terminating = true;
        java.util.concurrent.atomic.AtomicReference<Member> withdrawn = new java.util.concurrent.atomic.AtomicReference<>();
        awaitBounded(e, () -> {
            handingOver = true;
            if (registrar != null && registrar.registered()) {
                withdrawn.set(registrar.identity().own());
                registrar.withdraw();
            }
        }, "withdrawing this host's address");
        if (withdrawn.get() == null) {
            return;
        }
        long left = config.shutdownDelayMillis() - (System.nanoTime() - start) / 1_000_000L;
        LOG.info("SIGTERM: {} withdrawn from the Service's Endpoints; serving on for {} ms (server.shutdownDelay)",
                withdrawn.get(), Math.max(0, left));
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Deactivate
    void deactivate() {
        ScheduledExecutorService e = executor;
        if (e == null) {
            return;
        }
        loop.cancel(false);
        boolean withdrawn = terminating;
        terminating = true;
        awaitBounded(e, () -> {
            handingOver = true;
            if (registrar != null) {
                if (!withdrawn) {
                    registrar.withdraw();
                }
                registrar.release();
            }
        }, "releasing the registration");
        e.shutdownNow();
    }

    private void awaitBounded(ExecutorService e, Runnable task, String what) {
        try {
            Future<?> f = e.submit(task);
            f.get(WITHDRAW_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException ex) {
            LOG.warn("{} took more than {} s (kube-apiserver slow or unreachable); peers remove the address once its Lease expires",
                    what, WITHDRAW_WAIT_SECONDS);
        } catch (ExecutionException ex) {
            LOG.warn("{} failed: {}", what, ex.getCause().toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            // already shut down
        }
    }

    /** Every second: build the registrar once kube-apiserver is known, then follow readiness and run rounds. */
    private void sample() {
        if (terminating) {
            return;
        }
        try {
            if (registrar == null) {
                registrar = createRegistrar();
                if (registrar == null) {
                    return;
                }
            }
            long now = System.nanoTime();
            boolean ready = ready(now);
            if (!roundDone || now - nextRoundNanos >= 0) {
                roundDone = true;
                registrar.round(ready);
                nextRoundNanos = System.nanoTime() + config.renewIntervalSeconds() * 1_000_000_000L;
            } else if (lastReady == null || ready != lastReady) {
                registrar.readinessChanged(ready);
            }
            lastReady = ready;
        } catch (RuntimeException e) {
            problems.warn("self-registration round failed: " + e);
        }
    }

    private boolean ready(long now) {
        String failing = readiness.failingCheck();
        if (failing != null) {
            listenerCheckedNanos = 0;
            return false;
        }
        // the listener is probed when readiness turns and once a round: a connection a second is not needed
        if (listenerCheckedNanos == 0 || now - listenerCheckedNanos > config.renewIntervalSeconds() * 1_000_000_000L) {
            listenerOk = Readiness.accepts(registrar.identity().own());
            listenerCheckedNanos = now;
            if (!listenerOk) {
                problems.warn("readyz passes but nothing accepts connections on " + registrar.identity().own()
                        + ": server.bindAddress must include the advertised address");
            }
        }
        return listenerOk;
    }

    private Registrar createRegistrar() {
        KubeResources k = kube;
        String[] ref = config.service().split("/", 2);
        if (ref.length != 2) {
            problems.warn("registration.service \"" + config.service() + "\" is not NAMESPACE/NAME: not registering");
            return null;
        }
        InetAddress address;
        try {
            address = AdvertiseAddress.choose(config.advertiseAddress(), k.server(), config.allowLoopback());
        } catch (IOException e) {
            // at start kube-client's connection may still wait for the tls bundle: that is not worth a WARN unless it lasts
            if (System.nanoTime() - activatedNanos < STARTUP_GRACE_NANOS) {
                LOG.debug("not registering this host yet: {}", e.getMessage());
            } else {
                problems.warn("not registering this host: " + e.getMessage());
            }
            return null;
        }
        if (config.securePort() <= 0) {
            problems.warn("not registering this host: server.securePort " + config.securePort() + " is no fixed port");
            return null;
        }
        String host = HostName.current(hostnameOverride);
        Member own = new Member(address.getHostAddress().replaceAll("%.*$", ""), config.securePort());
        Registrar.Identity id = new Registrar.Identity(own, host, host + "_" + UUID.randomUUID(), ref[0], ref[1],
                config.leaseNamespace(), config.leaseDurationSeconds());
        LOG.info("self-registration: {} in Endpoints {}, Lease {}/{} ({} s, renewed every {} s), EndpointSlice {}", own,
                config.service(), config.leaseNamespace(), id.leaseName(), config.leaseDurationSeconds(),
                config.renewIntervalSeconds(), id.sliceName());
        // once SIGTERM (or deactivation) is in, a round still running gives up at its next request, so that the
        // hand-over queued behind it on this thread starts within one request instead of a whole round
        return new Registrar(new CurrentKube(() -> kube, () -> terminating && !handingOver), id, System::nanoTime, Instant::now);
    }

    @Reference(service = HealthCheck.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            updated = "updatedHealthCheck")
    void bindHealthCheck(HealthCheck check, Map<String, Object> properties) {
        readiness.add(properties.get("service.id"), check, properties);
    }

    void updatedHealthCheck(HealthCheck check, Map<String, Object> properties) {
        readiness.add(properties.get("service.id"), check, properties);
    }

    void unbindHealthCheck(HealthCheck check, Map<String, Object> properties) {
        readiness.remove(properties.get("service.id"));
    }
}
