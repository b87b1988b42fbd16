package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import io.kma.api.runtime.Command;
import io.kma.api.runtime.HandOver;
import io.kma.api.runtime.Readiness;
import io.kma.api.runtime.Reload;

/**
 * The launcher's side of io.kma.api.runtime in a real Felix started by the launcher, with the real config bundle
 * (SCR, ConfigAdmin): one copy of the package, the system bundle's; and each contract through the service registry.
 * Services the test registers come from the system bundle's context, as a bundle's would reach the launcher.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeContractsTest {

    @TempDir
    Path dir;
    Path home;
    Path config;

    @BeforeEach
    void home() throws Exception {
        home = TestBundles.configHome(dir);
        config = Files.writeString(dir.resolve("config.yaml"), "metricResolution: 20s\n");
    }

    private Launcher start() throws Exception {
        return Launcher.start(new LaunchOptions(home, config, true, dir.resolve("state"), null, Map.of()));
    }

    @Test
    void theSystemBundleAloneExportsTheRuntimePackageAndTheConfigBundleIsWiredToIt() throws Exception {
        try (Launcher launcher = start()) {
            BundleContext context = launcher.framework().getBundleContext();
            List<String> exporters = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                BundleWiring wiring = b.adapt(BundleWiring.class);
                if (wiring == null) {
                    continue;
                }
                for (BundleCapability c : wiring.getCapabilities("osgi.wiring.package")) {
                    if (RuntimeApiExport.PACKAGE.equals(c.getAttributes().get("osgi.wiring.package"))) {
                        exporters.add(b.getSymbolicName() + " " + c.getAttributes().get("version"));
                    }
                }
            }
            assertEquals(1, exporters.size(), exporters.toString());
            assertTrue(exporters.get(0).startsWith(context.getBundle(0).getSymbolicName() + " 1."), exporters.toString());

            Bundle configBundle = bundle(context, "io.kma.config");
            List<Long> providers = new ArrayList<>();
            for (BundleWire w : configBundle.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
                if (RuntimeApiExport.PACKAGE.equals(w.getCapability().getAttributes().get("osgi.wiring.package"))) {
                    providers.add(w.getProvider().getBundle().getBundleId());
                }
            }
            assertEquals(List.of(0L), providers, "io.kma.config imports " + RuntimeApiExport.PACKAGE + " from the system bundle");
        }
    }

    /** The config bundle's Reload re-reads an unchanged file at once, which its 2 s poll never does. */
    @Test
    void sighupReloadRunsTheConfigBundlesReload() throws Exception {
        try (Launcher launcher = start(); Signals signals = Signals.open(launcher.framework())) {
            BundleContext context = launcher.framework().getBundleContext();
            HotDeployTest.awaitTrue(() -> context.getServiceReference(Reload.class) != null);
            assertEquals("io.kma.config", context.getServiceReference(Reload.class).getBundle().getSymbolicName());
            String expected = "configuration re-read from " + config + ": no setting changed";
            PrintStream stdout = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                signals.reload();
                HotDeployTest.awaitTrue(() -> captured.toString(StandardCharsets.UTF_8).contains(expected));
            } finally {
                System.setOut(stdout);
            }
        }
    }

    @Test
    void sigtermRunsEveryHandOverInParallelAndReturnsWhenAllDid() throws Exception {
        try (Launcher launcher = start(); Signals signals = Signals.open(launcher.framework())) {
            BundleContext context = launcher.framework().getBundleContext();
            CountDownLatch both = new CountDownLatch(2);
            List<String> done = Collections.synchronizedList(new ArrayList<>());
            for (String name : List.of("readyz", "endpoints")) {
                context.registerService(HandOver.class, () -> {
                    both.countDown();
                    try {
                        // each waits for the other: only a parallel run returns
                        if (both.await(10, TimeUnit.SECONDS)) {
                            done.add(name);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, null);
            }
            context.registerService(HandOver.class, () -> {
                throw new IllegalStateException("a failing hand-over costs only itself");
            }, null);
            signals.handOver();
            assertEquals(List.of("endpoints", "readyz"), done.stream().sorted().toList());
        }
    }

    @Test
    void aCommandRunsThroughItsServiceAndAMissingOneIsEmptyAfterTheBoundedWait() throws Exception {
        try (Launcher launcher = start()) {
            BundleContext context = launcher.framework().getBundleContext();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Command.NAME, "probe");
            ServiceRegistration<Command> registration = context.registerService(Command.class, out -> {
                out.print("probed");
                return 3;
            }, props);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OptionalInt code = BundleCommand.run(context, "probe", 5_000, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(OptionalInt.of(3), code);
            assertEquals("probed", out.toString(StandardCharsets.UTF_8));

            long t0 = System.nanoTime();
            assertEquals(OptionalInt.empty(), BundleCommand.run(context, "doctor", 300, new PrintStream(out)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "the wait is bounded");
            registration.unregister();
            assertEquals(OptionalInt.empty(), BundleCommand.run(context, "probe", 100, new PrintStream(out)));
        }
    }

    @Test
    void systemdReadinessFollowsTheReadinessService() throws Exception {
        try (Launcher launcher = start()) {
            BundleContext context = launcher.framework().getBundleContext();
            try (SystemdNotify.ServiceReadiness probe = new SystemdNotify.ServiceReadiness(context)) {
                assertEquals("waiting for the HTTPS listener (bundle io.kma.http.server)", probe.waitingFor());
                AtomicReference<Optional<String>> verdict = new AtomicReference<>(Optional.of("waiting for the metrics.k8s.io API handler"));
                ServiceRegistration<Readiness> registration = context.registerService(Readiness.class, verdict::get, null);
                assertEquals("waiting for the metrics.k8s.io API handler", probe.waitingFor());
                verdict.set(Optional.empty());
                assertNull(probe.waitingFor());
                registration.unregister();
                assertEquals("waiting for the HTTPS listener (bundle io.kma.http.server)", probe.waitingFor());
            }
        }
    }

    private static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
