package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;

import io.kma.api.runtime.Command;
import io.kma.api.runtime.HandOver;
import io.kma.api.runtime.Readiness;
import io.kma.api.runtime.Reload;

/**
 * The contracts between the launcher and the bundles (io.kma.api.runtime) in the real distribution: one copy of the
 * package, the system bundle's, every importer wired to it; each service provided by the bundle that owns the
 * concern; readiness following the API handler; the listener's SIGTERM hand-over failing /readyz.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherContractsTest {

    static final String PACKAGE = Readiness.class.getPackageName();

    @TempDir
    static java.nio.file.Path work;
    static Appliance appliance;

    @BeforeAll
    static void boot() throws Exception {
        appliance = Appliance.startWithoutCluster(work);
    }

    @AfterAll
    static void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    @Order(1)
    void theSystemBundleAloneExportsThePackageAndEveryImporterIsWiredToIt() {
        List<String> exporters = new ArrayList<>();
        Map<String, Long> importers = new TreeMap<>();
        for (Bundle b : appliance.bundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability c : wiring.getCapabilities("osgi.wiring.package")) {
                if (PACKAGE.equals(c.getAttributes().get("osgi.wiring.package"))) {
                    exporters.add(b.getSymbolicName());
                }
            }
            for (BundleWire w : wiring.getRequiredWires("osgi.wiring.package")) {
                if (PACKAGE.equals(w.getCapability().getAttributes().get("osgi.wiring.package"))) {
                    importers.put(b.getSymbolicName(), w.getProvider().getBundle().getBundleId());
                }
            }
        }
        assertEquals(List.of(appliance.context().getBundle(0).getSymbolicName()), exporters);
        assertEquals(Map.of("io.kma.config", 0L, "io.kma.doctor", 0L, "io.kma.http.server", 0L, "io.kma.kube.client", 0L,
                "io.kma.registration", 0L), importers);
    }

    @Test
    @Order(2)
    void eachContractIsProvidedByTheBundleThatOwnsTheConcern() throws Exception {
        BundleContext ctx = appliance.context();
        for (int i = 0; i < 150 && providers(ctx, HandOver.class, null).size() < 2; i++) {
            Thread.sleep(100); // the registration component may still be activating
        }
        assertEquals(Set.of("io.kma.http.server"), providers(ctx, Readiness.class, null));
        assertEquals(Set.of("io.kma.doctor"), providers(ctx, Command.class, "(" + Command.NAME + "=doctor)"));
        assertEquals(Set.of("io.kma.kube.client"), providers(ctx, Command.class, "(" + Command.NAME + "=identity)"));
        assertEquals(Set.of("io.kma.http.server", "io.kma.registration"), providers(ctx, HandOver.class, null));
        assertEquals(Set.of("io.kma.config"), providers(ctx, Reload.class, null));
    }

    @Test
    @Order(3)
    void readinessFollowsTheMetricsApiHandler() throws Exception {
        ServiceTracker<Readiness, Readiness> tracker = new ServiceTracker<>(appliance.context(), Readiness.class, null);
        tracker.open();
        try {
            Readiness readiness = tracker.waitForService(15_000);
            Appliance.await("serving", Duration.ofSeconds(15), () -> readiness.waitingFor().isEmpty());
            Bundle api = appliance.bundle("io.kma.metrics.api");
            api.stop();
            try {
                assertEquals(Optional.of("waiting for the metrics.k8s.io API handler"), readiness.waitingFor());
            } finally {
                api.start();
            }
            Appliance.await("serving again", Duration.ofSeconds(15), () -> readiness.waitingFor().isEmpty());
        } finally {
            tracker.close();
        }
    }

    /** Last: the appliance is leaving afterwards. */
    @Test
    @Order(4)
    void theListenersHandOverFailsReadyzWhileLivezAndReadinessStay() throws Exception {
        assertTrue(appliance.get("/readyz?verbose").body().contains("[+]shutdown ok"), appliance.get("/readyz?verbose").body());
        BundleContext ctx = appliance.context();
        for (ServiceReference<HandOver> ref : ctx.getServiceReferences(HandOver.class, null)) {
            if (ref.getBundle().getSymbolicName().equals("io.kma.http.server")) {
                ctx.getService(ref).handOver();
                ctx.ungetService(ref);
            }
        }
        String readyz = appliance.get("/readyz?verbose").body();
        assertTrue(readyz.contains("[-]shutdown failed"), readyz);
        assertEquals(200, appliance.status("/livez"));
        assertEquals(Optional.empty(), ctx.getService(ctx.getServiceReference(Readiness.class)).waitingFor(),
                "systemd readiness is about serving, which goes on through the shutdown delay");
    }

    private static Set<String> providers(BundleContext ctx, Class<?> service, String filter) {
        try {
            Set<String> out = new TreeSet<>();
            for (ServiceReference<?> ref : ctx.getServiceReferences(service, filter)) {
                out.add(ref.getBundle().getSymbolicName());
            }
            return out;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
