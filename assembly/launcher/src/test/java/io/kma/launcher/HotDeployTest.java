package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;

/** A real Felix; the test plays File Install's part (install from deploy/, uninstall when the jar goes). */
@org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class HotDeployTest {

    @TempDir
    Path dir;

    @Test
    void newerDeployedBundleReplacesTheOriginalAndRemovalRestoresIt() throws Exception {
        Path home = dir.resolve("home");
        Path deploy = dir.resolve("deploy");
        TestBundles.manifestOnly(home.resolve("bundles"), "test.swap", "1.0.0");
        TestBundles.manifestOnly(home.resolve("bundles"), "test.other", "1.0.0");
        Path v2 = TestBundles.manifestOnly(deploy, "test.swap", "2.0.0");

        try (Launcher launcher = Launcher.start(new LaunchOptions(home, dir.resolve("none.yaml"), false,
                dir.resolve("state"), deploy, Map.of()))) {
            BundleContext context = launcher.framework().getBundleContext();
            assertEquals(List.of("1.0.0"), versions(context, "test.swap"));
            assertEquals(Bundle.ACTIVE, bundles(context, "test.swap").get(0).getState());

            long t0 = System.nanoTime();
            Bundle deployed = context.installBundle(v2.toUri().toString());
            awaitTrue(() -> versions(context, "test.swap").equals(List.of("2.0.0")) && deployed.getState() == Bundle.ACTIVE);
            System.out.printf("replacement took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(List.of("1.0.0"), versions(context, "test.other"), "other bundles stay");

            deployed.uninstall();
            awaitTrue(() -> versions(context, "test.swap").equals(List.of("1.0.0"))
                    && bundles(context, "test.swap").get(0).getState() == Bundle.ACTIVE);
            assertTrue(bundles(context, "test.swap").get(0).getLocation().contains("/home/bundles/"));
        }
    }

    /**
     * File Install installs and starts the older jar beside the running bundle; the running one stays: the same
     * bundle, never stopped, and still the provider its importer is wired to.
     */
    @Test
    void olderDeployedBundleDoesNotReplaceTheRunningOne() throws Exception {
        Path home = dir.resolve("home");
        Path deploy = dir.resolve("deploy");
        TestBundles.manifestOnly(home.resolve("bundles"), "test.swap", "2.0.0",
                Map.of("Export-Package", "test.swap;version=2.0.0"));
        TestBundles.manifestOnly(home.resolve("bundles"), "test.user", "1.0.0", Map.of("Import-Package", "test.swap"));
        Path v1 = TestBundles.manifestOnly(deploy, "test.swap", "1.0.0", Map.of("Export-Package", "test.swap;version=1.0.0"));
        try (Launcher launcher = Launcher.start(new LaunchOptions(home, null, false, dir.resolve("state"), deploy, Map.of()))) {
            BundleContext context = launcher.framework().getBundleContext();
            Bundle running = bundles(context, "test.swap").get(0);
            assertEquals(List.of(running), providersTo(bundles(context, "test.user").get(0)), "before: wired to 2.0.0");
            List<BundleEvent> events = new CopyOnWriteArrayList<>();
            BundleListener listener = e -> {
                if (e.getBundle().equals(running)) {
                    events.add(e);
                }
            };
            context.addBundleListener(listener);

            Bundle deployed = context.installBundle(v1.toUri().toString());
            deployed.start();
            Thread.sleep(500); // time for a wrong replacement to happen; nothing signals that none will

            context.removeBundleListener(listener);
            assertEquals(List.of("1.0.0", "2.0.0"), versions(context, "test.swap"));
            assertEquals(Bundle.ACTIVE, running.getState(), "2.0.0 still runs");
            assertEquals(List.of(), events.stream().map(e -> e.getType()).toList(), "2.0.0 was never stopped or refreshed");
            assertTrue(running.adapt(BundleWiring.class).isCurrent(), "2.0.0 keeps its current wiring");
            assertEquals(List.of(running), providersTo(bundles(context, "test.user").get(0)),
                    "the importer stays wired to 2.0.0");
        }
    }

    /** The bundles whose packages {@code importer} is wired to. */
    private static List<Bundle> providersTo(Bundle importer) {
        return importer.adapt(BundleWiring.class).getRequiredWires(BundleRevision.PACKAGE_NAMESPACE).stream()
                .map(w -> w.getProvider().getBundle()).toList();
    }

    @Test
    void aJarOthersMayWriteIsNeverLoadedAndTheOriginalKeepsRunning() throws Exception {
        Path home = dir.resolve("home");
        Path deploy = dir.resolve("deploy");
        TestBundles.manifestOnly(home.resolve("bundles"), "test.swap", "1.0.0");
        Path v2 = TestBundles.manifestOnly(deploy, "test.swap", "2.0.0");
        java.nio.file.Files.setPosixFilePermissions(v2, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        try (Launcher launcher = Launcher.start(new LaunchOptions(home, null, false, dir.resolve("state"), deploy, Map.of()))) {
            BundleContext context = launcher.framework().getBundleContext();
            Bundle planted = context.installBundle(v2.toUri().toString());
            org.junit.jupiter.api.Assertions.assertThrows(org.osgi.framework.BundleException.class, planted::start);
            assertEquals(Bundle.INSTALLED, planted.getState(), "never resolved, so none of its classes can load");
            Thread.sleep(300);
            Bundle original = bundles(context, "test.swap").stream().filter(b -> b.getVersion().toString().equals("1.0.0"))
                    .findFirst().orElseThrow();
            assertEquals(Bundle.ACTIVE, original.getState(), "the original is not pushed out by a refused jar");
        }
    }

    @Test
    void aDeployDirectoryOthersMayWriteDisablesHotDeploy() throws Exception {
        Path home = dir.resolve("home");
        Path deploy = java.nio.file.Files.createDirectories(dir.resolve("deploy"));
        TestBundles.manifestOnly(home.resolve("bundles"), "test.other", "1.0.0");
        java.nio.file.Files.setPosixFilePermissions(deploy, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(DeployTrust.forHome(home).whyUntrusted(deploy).endsWith("0775: it must belong to "
                + String.join(" or ", java.util.stream.Stream.of("root", System.getProperty("user.name")).distinct().sorted().toList())
                + " and be writable by nobody else"), DeployTrust.forHome(home).whyUntrusted(deploy));
        try (Launcher launcher = Launcher.start(new LaunchOptions(home, null, false, dir.resolve("state"), deploy, Map.of()))) {
            BundleContext context = launcher.framework().getBundleContext();
            assertTrue(java.util.Arrays.stream(context.getBundles()).noneMatch(b -> Launcher.FILE_INSTALL.equals(b.getSymbolicName())
                    && b.getState() == Bundle.ACTIVE), "File Install is not started");
        }
        assertEquals(null, DeployTrust.forHome(home).whyUntrusted(home.resolve("bundles")), "a private tree is trusted");
    }

    @Test
    void aLinkToAPrivateDeployDirectoryIsTrustedAndTheTargetIsWhatCounts() throws Exception {
        // The RPM's layout: the distribution's deploy/ is a link to a root-owned directory under /etc.
        Path home = dir.resolve("home");
        TestBundles.manifestOnly(home.resolve("bundles"), "test.other", "1.0.0");
        Path target = java.nio.file.Files.createDirectories(dir.resolve("etc-deploy"));
        java.nio.file.Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = java.nio.file.Files.createSymbolicLink(home.resolve("deploy"), target);
        assertEquals(null, DeployTrust.forHome(home).whyUntrusted(link), "a link's own 0777 mode means nothing");
        java.nio.file.Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(DeployTrust.forHome(home).whyUntrusted(link).startsWith(target.toRealPath() + " is "),
                DeployTrust.forHome(home).whyUntrusted(link));
    }

    static List<Bundle> bundles(BundleContext context, String name) {
        return java.util.Arrays.stream(context.getBundles()).filter(b -> name.equals(b.getSymbolicName())).toList();
    }

    static List<String> versions(BundleContext context, String name) {
        return bundles(context, name).stream().map(b -> b.getVersion().toString()).sorted().toList();
    }

    /** Polls for at most 10 s. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }
}
