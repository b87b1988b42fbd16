package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Version;

/**
 * The distribution on the real Felix: every bundle resolves and starts, every DS component is
 * satisfied, XNIO's provider arrives through the OSGi service registry, a bundle dropped into
 * the deploy directory replaces the running one without a restart, and a new client-libs wrapper
 * leaves the HTTPS listener running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrameworkTest {

    /** By name: the API bundle's classes live inside the framework, not on the test's class path. */
    private static final String ADDRESS_RESOLVER = "io.kma.api.kubelet.AddressResolver";

    @TempDir
    static Path work;
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
    void everyBundleIsActive() {
        List<String> notActive = appliance.bundles().stream()
                .filter(b -> b.getState() != Bundle.ACTIVE && b.getHeaders().get("Fragment-Host") == null)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState())
                .collect(Collectors.toList());
        assertEquals(List.of(), notActive);
        for (String bsn : List.of("io.kma.api", "io.kma.config", "io.kma.tls", "io.kma.http.server", "io.kma.kube.client",
                "io.kma.store", "io.kma.scraper", "io.kma.metrics.api", "io.kma.address.preferred", "io.kma.address.hosts",
                "io.kma.kubelet.auth.x509", "io.kma.kubelet.auth.token", "io.kma.client.libs", "io.kma.server.libs",
                "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall")) {
            assertEquals(Bundle.ACTIVE, appliance.bundle(bsn).getState(), bsn);
        }
    }

    @Test
    @Order(2)
    void everyComponentIsSatisfied() throws Exception {
        Appliance.await("all DS components satisfied", Duration.ofSeconds(15), () -> unsatisfied().isEmpty());
        Map<String, String> states = appliance.componentStates();
        assertTrue(states.size() >= 10, "expected the appliance's components, found " + states);
        assertEquals(Map.of(), unsatisfied());
    }

    private static Map<String, String> unsatisfied() {
        try {
            return appliance.componentStates().entrySet().stream()
                    .filter(e -> !e.getValue().matches("(ACTIVE|SATISFIED)(,(ACTIVE|SATISFIED))*"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(2)
    void clientLibsLoadsItsPatchedTlsBufferNotHttpcoresOwn() throws Exception {
        Bundle clientLibs = appliance.bundle("io.kma.client.libs");
        Class<?> buffer = clientLibs.loadClass("org.apache.hc.core5.reactor.ssl.SSLManagedBuffer");
        assertTrue(java.util.Arrays.stream(buffer.getDeclaredClasses()).anyMatch(c -> c.getSimpleName().equals("FreeArrays")),
                "client-libs loads httpcore's own SSLManagedBuffer, not the patched one (bnd.bnd -includeresource)");
        assertEquals(clientLibs, FrameworkUtil.getBundle(buffer));
        assertEquals(buffer.getClassLoader(),
                clientLibs.loadClass("org.apache.hc.core5.reactor.ssl.SSLIOSession").getClassLoader());
    }

    @Test
    @Order(3)
    void livezServesOverTlsWithTheGeneratedCertificate() {
        var r = appliance.get("/livez");
        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body());
        assertTrue(Files.exists(work.resolve("certs/apiserver.crt")), "self-signed certificate written to certDir");
    }

    /**
     * XNIO finds its NIO provider through ServiceLoader, which cannot see across bundles; the
     * http-server component therefore waits for xnio-nio's Xnio service. Without it the listener is
     * down; when it comes back the listener serves again, with no restart of anything else.
     */
    @Test
    @Order(4)
    void httpServerWaitsForXnioProviderService() throws Exception {
        Bundle xnioNio = appliance.bundles().stream().filter(b -> "org.jboss.xnio.nio".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("xnio-nio bundle missing"));
        xnioNio.stop();
        try {
            Appliance.await("http-server without XNIO provider", Duration.ofSeconds(10),
                    () -> appliance.status("/livez") == -1);
        } finally {
            xnioNio.start();
        }
        appliance.awaitStatus("/livez", 200, Duration.ofSeconds(15));
    }

    /**
     * The client and server libraries are wrapped in separate bundles so that a new HttpClient refreshes only
     * its users (kube-client, the scraper): Undertow, XNIO and the HTTPS listener keep running.
     */
    @Test
    @Order(6)
    void newerClientLibrariesLeaveTheHttpsListenerRunning() throws Exception {
        String bsn = "io.kma.client.libs";
        Bundle original = appliance.bundle(bsn);
        Version newVersion = new Version(original.getVersion().getMajor(), original.getVersion().getMinor(),
                original.getVersion().getMicro() + 1, "hotdeploy");
        Path source = Files.list(Appliance.distribution().resolve("bundles"))
                .filter(p -> p.getFileName().toString().startsWith(bsn + "-")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + bsn + " jar in the distribution"));
        Set<String> stopped = ConcurrentHashMap.newKeySet();
        BundleListener recorder = (SynchronousBundleListener) e -> {
            if (e.getType() == BundleEvent.STOPPING) {
                stopped.add(e.getBundle().getSymbolicName());
            }
        };
        appliance.context().addBundleListener(recorder);
        try {
            withVersion(source, appliance.deployDir().resolve(bsn + "-" + newVersion + ".jar"), newVersion);
            Appliance.await(bsn + " " + newVersion + " active and its users restarted", Duration.ofSeconds(30), () -> {
                List<Bundle> same = appliance.bundles().stream().filter(b -> bsn.equals(b.getSymbolicName())).toList();
                return same.size() == 1 && same.get(0).getVersion().equals(newVersion)
                        && same.get(0).getState() == Bundle.ACTIVE
                        && appliance.bundle("io.kma.kube.client").getState() == Bundle.ACTIVE
                        && appliance.bundle("io.kma.scraper").getState() == Bundle.ACTIVE;
            });
            Appliance.await("components satisfied after the swap", Duration.ofSeconds(15), () -> unsatisfied().isEmpty());
        } finally {
            appliance.context().removeBundleListener(recorder);
        }
        assertTrue(stopped.containsAll(Set.of("io.kma.kube.client", "io.kma.scraper")),
                "the users of HttpClient were refreshed: " + stopped);
        for (String untouched : List.of("io.kma.http.server", "io.undertow.core", "org.jboss.xnio.api",
                "io.kma.server.libs")) {
            assertFalse(stopped.contains(untouched), untouched + " was restarted by the swap: " + stopped);
        }
        assertEquals(200, appliance.status("/livez"));
    }

    /**
     * The jar dropped into deploy/ is the one that runs afterwards: it is ACTIVE from its deploy/ location, the
     * strategy service is registered by it and answered by an object of its class loader, and no other bundle
     * (nor the framework) stopped on the way.
     */
    @Test
    @Order(5)
    void bundleDroppedIntoDeployReplacesTheRunningOne() throws Exception {
        String bsn = "io.kma.address.hosts";
        String strategy = "(kma.strategy=hosts)";
        Bundle original = appliance.bundle(bsn);
        assertEquals(original, serviceOwner(strategy), "before: the original registers the hosts strategy");
        List<String> stopped = new CopyOnWriteArrayList<>();
        BundleListener stops = e -> {
            // the swapped bundle itself may stop more than once (File Install and the hot deploy both refresh)
            if (e.getType() == BundleEvent.STOPPED && !bsn.equals(e.getBundle().getSymbolicName())) {
                stopped.add(e.getBundle().getSymbolicName() + " " + e.getBundle().getVersion());
            }
        };
        appliance.context().addBundleListener(stops);
        Version newVersion = new Version(original.getVersion().getMajor(), original.getVersion().getMinor(),
                original.getVersion().getMicro() + 1, "hotdeploy");
        Path source = Files.list(Appliance.distribution().resolve("bundles"))
                .filter(p -> p.getFileName().toString().startsWith(bsn + "-")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + bsn + " jar in the distribution"));
        Path dropped = appliance.deployDir().resolve(bsn + "-" + newVersion + ".jar");
        long droppedAt = System.currentTimeMillis();
        withVersion(source, dropped, newVersion);

        try {
            Appliance.await(bsn + " " + newVersion + " active and the old version gone", Duration.ofSeconds(30), () -> {
                List<Bundle> same = appliance.bundles().stream().filter(b -> bsn.equals(b.getSymbolicName())).toList();
                return same.size() == 1 && same.get(0).getVersion().equals(newVersion) && same.get(0).getState() == Bundle.ACTIVE;
            });
            Bundle running = appliance.bundle(bsn);
            assertEquals(Bundle.UNINSTALLED, original.getState());
            assertTrue(running.getLocation().endsWith("/deploy/" + dropped.getFileName()), running.getLocation());
            assertTrue(running.getLastModified() >= droppedAt, "installed after the drop: " + running.getLastModified());
            Appliance.await("the hosts strategy registered by the dropped bundle", Duration.ofSeconds(15),
                    () -> running.equals(serviceOwner(strategy)));
            ServiceReference<?> ref = appliance.context().getAllServiceReferences(ADDRESS_RESOLVER, strategy)[0];
            Object resolver = appliance.context().getService(ref);
            try {
                assertEquals(running, FrameworkUtil.getBundle(resolver.getClass()), "answered by the new bundle's class");
            } finally {
                appliance.context().ungetService(ref);
            }
            assertEquals(List.of(), stopped, "no other bundle stopped");
            assertEquals(Bundle.ACTIVE, appliance.launcher().framework().getState(), "the framework kept running");
            assertEquals(200, appliance.status("/livez"));
            Appliance.await("components satisfied after the swap", Duration.ofSeconds(15), () -> unsatisfied().isEmpty());
        } finally {
            appliance.context().removeBundleListener(stops);
        }
    }

    /** The bundle registering the AddressResolver that matches {@code filter}; null when there is none. */
    private static Bundle serviceOwner(String filter) {
        try {
            ServiceReference<?>[] refs = appliance.context().getAllServiceReferences(ADDRESS_RESOLVER, filter);
            return refs == null || refs.length != 1 ? null : refs[0].getBundle();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies a bundle jar, changing only its Bundle-Version. */
    static void withVersion(Path source, Path target, Version version) throws IOException {
        try (InputStream in = Files.newInputStream(source); JarInputStream jar = new JarInputStream(in)) {
            Manifest mf = new Manifest(jar.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version.toString());
            Path tmp = target.getParent().resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jo = new JarOutputStream(out, mf)) {
                JarEntry e;
                while ((e = jar.getNextJarEntry()) != null) {
                    jo.putNextEntry(new JarEntry(e.getName()));
                    jar.transferTo(jo);
                    jo.closeEntry();
                }
            }
            // written outside the watched directory: File Install only sees the complete jar
            Files.move(tmp, target);
        }
    }
}
