package io.kma.launcher;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes "a newer bundle dropped into deploy/ replaces the running one" true. File Install installs the dropped
 * jar beside the running bundle; this uninstalls the older version and refreshes. When the dropped jar is
 * removed again, the original from bundles/ is reinstalled. Events arrive synchronously on the framework's
 * threads; the work runs on one background thread so framework operations never nest inside a listener.
 */
final class HotDeploy implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(HotDeploy.class);
    private static final long REFRESH_TIMEOUT_SECONDS = 30;

    private final BundleContext system;
    private final Path deployDir;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kma-hot-deploy");
        t.setDaemon(true);
        return t;
    });
    /** Deployed bundle id → location of the bundles/ original it replaced. */
    private final Map<Long, String> originals = new ConcurrentHashMap<>();
    /** Bundles this class uninstalls itself, so their UNINSTALLED event is not taken for a removed jar. */
    private final Set<Long> replacing = ConcurrentHashMap.newKeySet();

    private final DeployGuard guard;

    HotDeploy(BundleContext system, Path deployDir, DeployGuard guard) {
        this.system = system;
        this.deployDir = normalise(deployDir);
        this.guard = guard;
        system.addBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() == BundleEvent.INSTALLED && isDeployed(bundle.getLocation())) {
            worker.execute(() -> replaceOlder(bundle));
        } else if (event.getType() == BundleEvent.UNINSTALLED && !replacing.remove(bundle.getBundleId())) {
            String original = originals.remove(bundle.getBundleId());
            if (original != null) {
                String name = bundle.getSymbolicName();
                Version removed = bundle.getVersion();
                String file = fileName(bundle.getLocation());
                worker.execute(() -> restore(name, removed, file, original));
            }
        }
    }

    void close() throws InterruptedException {
        try {
            system.removeBundleListener(this);
        } catch (IllegalStateException frameworkGone) {
            // nothing to remove from a stopped framework
        }
        worker.shutdownNow();
        worker.awaitTermination(2, TimeUnit.SECONDS);
    }

    private void replaceOlder(Bundle deployed) {
        // A refused jar must not push out the running original: it would never start in its place.
        if (deployed.getState() == Bundle.UNINSTALLED || deployed.getSymbolicName() == null || guard.refused(deployed)) {
            return;
        }
        String name = deployed.getSymbolicName();
        Version version = deployed.getVersion();
        List<Bundle> older = new ArrayList<>();
        for (Bundle b : system.getBundles()) {
            if (b.getBundleId() != deployed.getBundleId() && name.equals(b.getSymbolicName())) {
                if (b.getVersion().compareTo(version) < 0) {
                    older.add(b);
                } else {
                    LOG.warn("deploy/{}: {} {} is not newer than the installed {}; both stay installed",
                            fileName(deployed.getLocation()), name, version, b.getVersion());
                }
            }
        }
        if (older.isEmpty()) {
            return;
        }
        String original = null;
        List<String> replacedVersions = new ArrayList<>();
        try {
            for (Bundle old : older) {
                String carried = originals.remove(old.getBundleId());
                original = carried != null ? carried : isDeployed(old.getLocation()) ? original : old.getLocation();
                replacedVersions.add(old.getVersion().toString());
                replacing.add(old.getBundleId());
                old.uninstall();
            }
            if (original != null) {
                originals.put(deployed.getBundleId(), original);
            }
            refresh(older);
            startIfNeeded(deployed);
            LOG.info("hot deploy: {} {} -> {} (deploy/{})", name, String.join(", ", replacedVersions), version,
                    fileName(deployed.getLocation()));
        } catch (BundleException | IllegalStateException e) {
            LOG.error("hot deploy of deploy/{} failed: {}", fileName(deployed.getLocation()), Problems.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void restore(String name, Version removed, String file, String originalLocation) {
        if (system.getBundle().getState() != Bundle.ACTIVE) {
            return;
        }
        for (Bundle b : system.getBundles()) {
            if (name.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return;
            }
        }
        try {
            Bundle restored = system.installBundle(originalLocation);
            startIfNeeded(restored);
            LOG.info("hot deploy: {} {} -> {} (deploy/{} removed; restored bundles/{})", name, removed,
                    restored.getVersion(), file, fileName(originalLocation));
        } catch (BundleException | IllegalStateException e) {
            LOG.error("could not restore {} from {} after deploy/{} was removed: {}", name, originalLocation, file,
                    Problems.describe(e));
        }
    }

    private void refresh(List<Bundle> bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        system.getBundle().adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("package refresh did not finish within {} s", REFRESH_TIMEOUT_SECONDS);
        }
    }

    private static void startIfNeeded(Bundle bundle) throws BundleException {
        boolean fragment = (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        if (!fragment && bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING) {
            bundle.start();
        }
    }

    private boolean isDeployed(String location) {
        Path path = pathOf(location);
        return path != null && path.getParent() != null && deployDir.equals(normalise(path.getParent()));
    }

    static String fileName(String location) {
        Path path = pathOf(location);
        return path == null || path.getFileName() == null ? location : path.getFileName().toString();
    }

    static Path pathOf(String location) {
        String uri = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        if (!uri.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(URI.create(uri)).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Path normalise(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return Files.exists(absolute) ? absolute.toRealPath() : absolute;
        } catch (java.io.IOException e) {
            return absolute;
        }
    }
}
