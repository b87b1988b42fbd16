package io.kma.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds Felix: starts the framework, installs and starts every jar of {@code home/bundles}, watches the deploy
 * directory (through File Install and {@link HotDeploy}) and stops the framework when the configuration was
 * invalid at start. Used by {@code Main} and by the in-framework tests.
 */
public final class Launcher implements AutoCloseable {

    static final String CONFIG_BUNDLE = "io.kma.config";
    static final String FILE_INSTALL = "org.apache.felix.fileinstall";
    static final long CONFIG_STATUS_TIMEOUT_SECONDS = 15;
    static final long STOP_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final Framework framework;
    private final HotDeploy hotDeploy;
    private volatile int exitCode;

    private Launcher(Framework framework, HotDeploy hotDeploy) {
        this.framework = framework;
        this.hotDeploy = hotDeploy;
    }

    /**
     * Starts the framework and every bundle of {@code home/bundles} (fragments are only installed); returns then.
     * The work runs on a thread of its own that ends: Felix reads each bundle's manifest into a buffer it keeps per
     * thread, softly referenced, as large as the largest manifest that thread read (Bouncy Castle's signed bcprov has
     * an 855 KB one); on the caller's thread, which lives as long as the process, it would stay until the heap ran short.
     */
    public static Launcher start(LaunchOptions o) throws Exception {
        FutureTask<Launcher> task = new FutureTask<>(() -> startHere(o));
        Thread starter = new Thread(task, "kma-launcher-start");
        starter.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static Launcher startHere(LaunchOptions o) throws Exception {
        long t0 = System.nanoTime();
        // jboss-logging (Undertow, XNIO) picks JUL unless told otherwise before its first use.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
        Path bundlesDir = o.home().resolve("bundles");
        if (!Files.isDirectory(bundlesDir)) {
            throw new IOException(bundlesDir + " is not a directory (is " + o.home() + " a distribution?)");
        }
        Files.createDirectories(o.stateDir());
        if (o.deployDir() != null) {
            Files.createDirectories(o.deployDir());
        }

        Map<String, Object> props = new HashMap<>(FrameworkProperties.of(o));
        props.put("felix.log.logger", new FelixLogBridge());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Launcher.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework framework = factory.newFramework((Map) props);
        framework.init();
        BundleContext context = framework.getBundleContext();
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR && event.getThrowable() != null) {
                LOG.error("{}: {}", event.getBundle().getSymbolicName(), Problems.describe(event.getThrowable()));
            }
        });
        ConfigStatusWatch statusWatch = new ConfigStatusWatch(context);
        Path deployDir = trustedDeployDir(o);
        HotDeploy hotDeploy = null;
        if (deployDir != null) {
            DeployGuard guard = new DeployGuard(deployDir, DeployTrust.forHome(o.home()));
            context.registerService(ResolverHookFactory.class, guard, null);
            hotDeploy = new HotDeploy(context, deployDir, guard);
        }
        Launcher launcher = new Launcher(framework, hotDeploy);
        try {
            framework.start();
            launcher.installAndStart(context, bundlesDir, t0, statusWatch, notStarted(o, deployDir != null),
                    Doctor.mode(o) || Identity.mode(o));
        } catch (Exception | Error e) {
            launcher.close();
            throw e;
        } finally {
            statusWatch.close();
        }
        return launcher;
    }

    public Framework framework() {
        return framework;
    }

    /** Blocks until the framework stops; 0, or 1 when the configuration was invalid at start. */
    public int awaitStop() throws InterruptedException {
        framework.waitForStop(0);
        return exitCode;
    }

    /** Stops the framework (every bundle stopped) and waits up to 5 s. */
    @Override
    public void close() {
        try {
            if (hotDeploy != null) {
                hotDeploy.close();
            }
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING | Bundle.STOPPING)) != 0) {
                framework.stop();
            }
            FrameworkEvent stopped = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (stopped.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("framework did not stop within {} ms", STOP_TIMEOUT_MILLIS);
            }
        } catch (BundleException e) {
            LOG.error("stopping the framework failed: {}", Problems.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bundles a command does not start: those it does not need, and File Install when there is no deploy directory. */
    static Set<String> notStarted(LaunchOptions o, boolean hotDeploy) {
        Set<String> skip = new HashSet<>(Doctor.mode(o) ? Doctor.NOT_STARTED : Identity.mode(o) ? Identity.NOT_STARTED : Set.of());
        if (!hotDeploy) {
            skip.add(FILE_INSTALL);
        }
        return skip;
    }

    /**
     * The deploy directory when hot deploy may use it: none for commands (doctor, identity run as root), and none
     * when the directory itself is writable by someone other than root or the distribution's owner (one log line).
     */
    private static Path trustedDeployDir(LaunchOptions o) {
        if (o.deployDir() == null) {
            return null;
        }
        String why = DeployTrust.forHome(o.home()).whyUntrusted(o.deployDir());
        if (why != null) {
            LOG.error("hot deploy disabled, nothing in {} is loaded: {}", o.deployDir(), why);
            return null;
        }
        return o.deployDir();
    }

    private void installAndStart(BundleContext context, Path bundlesDir, long t0, ConfigStatusWatch statusWatch,
            Set<String> notStarted, boolean command) throws IOException, InterruptedException {
        List<Bundle> installed = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> files = Files.list(bundlesDir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            try {
                installed.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                LOG.error("cannot install bundles/{}: {}", jar.getFileName(), Problems.describe(e));
            }
        }
        int active = 0;
        List<String> failed = new ArrayList<>();
        for (Bundle b : installed) {
            if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0
                    || notStarted.contains(b.getSymbolicName())) {
                continue;
            }
            try {
                b.start();
                active++;
            } catch (BundleException | IllegalStateException e) {
                failed.add(b.getSymbolicName());
                LOG.error("{} {} did not start: {}", b.getSymbolicName(), b.getVersion(), Problems.describe(e));
            }
        }
        LOG.info("kube-metrics-appliance {}: {} bundles started{} in {} ms", BuildInfo.version(), active,
                failed.isEmpty() ? "" : ", " + failed.size() + " failed (" + String.join(", ", failed) + ")",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        // The doctor reports an invalid configuration itself, as its first check; identity reads none.
        if (!command && installed.stream().anyMatch(b -> CONFIG_BUNDLE.equals(b.getSymbolicName()))) {
            checkConfiguration(statusWatch);
        }
    }

    private void checkConfiguration(ConfigStatusWatch statusWatch) throws InterruptedException {
        ConfigStatusWatch.Status status = statusWatch.await(CONFIG_STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (status == null) {
            LOG.warn("the config bundle reported no configuration status within {} s", CONFIG_STATUS_TIMEOUT_SECONDS);
        } else if (status.invalid()) {
            System.err.println("kube-metrics-appliance: invalid configuration: " + status.error());
            exitCode = 1;
            close();
        }
    }
}
