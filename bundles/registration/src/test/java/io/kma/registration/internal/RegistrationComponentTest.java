package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.http.HealthCheck;
import io.kma.api.kube.KubeResources;
import io.kma.simulator.RegistrationObjects;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/**
 * The component's own thread against the simulator: a configuration update that keeps the address keeps the
 * registration, and SIGTERM during a round against a slow kube-apiserver still withdraws within its bound.
 */
class RegistrationComponentTest {

    @TempDir
    Path dir;
    Simulator sim;
    ServerSocket listener;
    RegistrationComponent component;

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(1).podsPerNode(0).build());
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        if (component != null) {
            component.deactivate();
        }
        listener.close();
        sim.close();
    }

    RegistrationConfig config(int renewSeconds, String advertise) {
        return RegistrationDiagnosisTest.config(advertise, renewSeconds, true, listener.getLocalPort());
    }

    static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> method.getName().equals("getProperty") && "kma.registration.hostname".equals(args[0])
                        ? "master-a" : null);
    }

    RegistrationComponent component(KubeResources kube) throws Exception {
        RegistrationComponent c = new RegistrationComponent();
        c.kube = kube;
        HealthCheck ok = new HealthCheck() {
            @Override public String name() { return "test"; }
            @Override public Result check() { return Result.OK; }
        };
        c.bindHealthCheck(ok, Map.of("service.id", 1L, HealthCheck.ENDPOINTS, "readyz"));
        return c;
    }

    List<String> ready() {
        return sim.registrationObjects().readyAddresses("kube-system", "metrics-server", "https");
    }

    String holder() {
        ObjectNode lease = sim.registrationObjects().get(RegistrationObjects.Kind.LEASES, "kube-system", "kube-metrics-appliance-master-a");
        return lease == null ? null : lease.at("/spec/holderIdentity").asText();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anUpdateKeepingTheAddressKeepsTheRegistration() throws Exception {
        String own = "127.0.0.1:" + listener.getLocalPort();
        SimKube sims = new SimKube(dir, "appliance");
        AtomicInteger withdrawals = new AtomicInteger();
        KubeResources counting = new Forwarding(sims) {
            @Override
            public Answer update(String path, String json) throws IOException {
                if (path.endsWith("/endpoints/metrics-server") && !json.contains("\"127.0.0.1\"")) {
                    withdrawals.incrementAndGet();
                }
                return super.update(path, json);
            }
        };
        component = component(counting);
        component.activate(context(), config(10, "127.0.0.1"));
        await(() -> ready().contains(own), own + " registered");
        String holder = holder();

        component.modified(context(), config(1, "127.0.0.1"));
        Thread.sleep(2_500); // two rounds at the new 1 s interval
        assertEquals(0, withdrawals.get(), "the address never left the Endpoints");
        assertEquals(holder, holder(), "the Lease was kept, not released and taken again");
        assertTrue(ready().contains(own));

        // an update that changes the address does re-register
        component.modified(context(), config(1, "127.0.0.2"));
        String moved = "127.0.0.2:" + listener.getLocalPort();
        await(() -> ready().contains(moved) || !ready().contains(own), "re-registered");
        assertFalse(ready().contains(own), ready().toString());
    }

    @Test
    void sigtermDuringASlowRoundStillWithdrawsWithinItsBound() throws Exception {
        String own = "127.0.0.1:" + listener.getLocalPort();
        CountDownLatch slowCallStarted = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean();
        // kube-apiserver answers Lease and EndpointSlice-list calls after 3 s each (a round then takes 9 s);
        // the Endpoints and the own EndpointSlice are answered at once
        KubeResources kube = new Forwarding(new SimKube(dir, "appliance")) {
            @Override
            public Answer get(String path) throws IOException {
                if (slow.get() && (path.contains("/leases") || path.contains("endpointslices?"))) {
                    if (path.endsWith("/leases/kube-metrics-appliance-master-a")) {
                        slowCallStarted.countDown(); // the first call of a round: three slow calls to go
                    }
                    try {
                        Thread.sleep(3_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
                return super.get(path);
            }
        };
        component = component(kube);
        component.activate(context(), config(1, "127.0.0.1"));
        await(() -> ready().contains(own), own + " registered");
        slow.set(true);
        assertTrue(slowCallStarted.await(20, TimeUnit.SECONDS), "a round reached kube-apiserver");
        component.handOver(); // SIGTERM
        assertFalse(sim.registrationObjects().readyAddresses("kube-system", "metrics-server", "https").contains(own),
                "withdrawn within " + RegistrationComponent.WITHDRAW_WAIT_SECONDS + " s although a round was running");
    }

    /** Passes every call on. */
    static class Forwarding implements KubeResources {
        final KubeResources to;

        Forwarding(KubeResources to) {
            this.to = to;
        }

        @Override public Answer get(String path) throws IOException { return to.get(path); }
        @Override public Answer create(String path, String json) throws IOException { return to.create(path, json); }
        @Override public Answer update(String path, String json) throws IOException { return to.update(path, json); }
        @Override public Answer delete(String path, String options) throws IOException { return to.delete(path, options); }
        @Override public URI server() throws IOException { return to.server(); }
    }
}
