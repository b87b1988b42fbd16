package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/** The real config bundle with SCR and ConfigAdmin in a real Felix, started through the launcher. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherConfigTest {

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void home() throws Exception {
        home = TestBundles.configHome(dir);
    }

    @Test
    void invalidConfigurationAtStartStopsTheFrameworkWithExitCode1() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "metricResolution: 15s\nkubelet:\n  requestTimeout: 10x\n");
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Launcher launcher;
        try {
            launcher = Launcher.start(options(config));
        } finally {
            System.setErr(stderr);
        }
        try (launcher) {
            assertEquals(1, launcher.awaitStop());
            assertEquals(Framework.RESOLVED, launcher.framework().getState(), "framework stopped");
            String err = captured.toString(StandardCharsets.UTF_8);
            assertTrue(err.contains(config + ":3: kubelet.requestTimeout: \"10x\" is not a duration (examples: 10s, 1m30s)"), err);
        }
    }

    @Test
    void validConfigurationIsWrittenToConfigAdminAndEditsAreApplied() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "metricResolution: 20s\n");
        try (Launcher launcher = Launcher.start(options(config))) {
            BundleContext context = launcher.framework().getBundleContext();
            assertEquals("valid", statusProperty(context, "kma.config.state"));
            HotDeployTest.awaitTrue(() -> Long.valueOf(20_000).equals(configProperty(context, "io.kma.scraper", "resolutionMillis")));
            assertEquals("(kma.strategy=preferred)", configProperty(context, "io.kma.scraper", "addressResolver.target"));
            assertEquals(4443, configProperty(context, "io.kma.http.server", "securePort"));

            long t0 = System.nanoTime();
            Files.writeString(config, "metricResolution: 30s\n");
            HotDeployTest.awaitTrue(() -> Long.valueOf(30_000).equals(configProperty(context, "io.kma.store", "resolutionMillis")));
            System.out.printf("edit applied after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            Files.writeString(config, "metricResolution: 30s\nkubelet:\n  port: none\n");
            HotDeployTest.awaitTrue(() -> statusProperty(context, "kma.config.rejected") != null);
            assertTrue(((String) statusProperty(context, "kma.config.rejected")).contains(":3: kubelet.port: \"none\" is not a port"));
            assertEquals("valid", statusProperty(context, "kma.config.state"), "the running configuration stays");
            assertEquals(30_000L, configProperty(context, "io.kma.store", "resolutionMillis"));
        }
    }

    @Test
    void commandLineFlagsOverrideTheFileAndSurviveEdits() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "metricResolution: 20s\nkubelet:\n  port: 10255\n");
        RunFlags.Parsed flags = RunFlags.parse(java.util.List.of("--kubelet-port", "10250", "--metric-resolution=30s",
                "--kubelet-preferred-address-types=InternalIP,Hostname", "--kubelet-insecure-tls", "-l", "role in (a,b)"));
        LaunchOptions o = options(config);
        o = new LaunchOptions(o.home(), o.configFile(), true, o.stateDir(), o.deployDir(), flags.frameworkProperties());
        try (Launcher launcher = Launcher.start(o)) {
            BundleContext context = launcher.framework().getBundleContext();
            assertEquals("valid", statusProperty(context, "kma.config.state"));
            HotDeployTest.awaitTrue(() -> Long.valueOf(30_000).equals(configProperty(context, "io.kma.scraper", "resolutionMillis")));
            assertEquals(10250, configProperty(context, "io.kma.address.preferred", "port"));
            assertEquals(java.util.List.of("InternalIP", "Hostname"), java.util.List.of(
                    (String[]) configProperty(context, "io.kma.address.preferred", "preferredAddressTypes")));
            assertEquals(true, configProperty(context, "io.kma.scraper", "insecureSkipTLSVerify"));
            assertEquals("role in (a,b)", configProperty(context, "io.kma.metrics.api", "nodeSelector"));

            Files.writeString(config, "metricResolution: 20s\nkubelet:\n  port: 10255\n  requestTimeout: 7s\n");
            HotDeployTest.awaitTrue(() -> Long.valueOf(7_000).equals(configProperty(context, "io.kma.scraper", "requestTimeoutMillis")));
            assertEquals(30_000L, configProperty(context, "io.kma.scraper", "resolutionMillis"), "the flag still wins");
            assertEquals(10250, configProperty(context, "io.kma.address.preferred", "port"));
        }
    }

    @Test
    void anInvalidFlagValueStopsTheFrameworkWithExitCode1NamingTheFlag() throws Exception {
        RunFlags.Parsed flags = RunFlags.parse(java.util.List.of("--kubelet-port=http"));
        LaunchOptions o = options(null);
        o = new LaunchOptions(o.home(), o.configFile(), false, o.stateDir(), o.deployDir(), flags.frameworkProperties());
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Launcher launcher;
        try {
            launcher = Launcher.start(o);
        } finally {
            System.setErr(stderr);
        }
        try (launcher) {
            assertEquals(1, launcher.awaitStop());
            String err = captured.toString(StandardCharsets.UTF_8);
            assertTrue(err.contains("invalid configuration: --kubelet-port: \"http\" is not a port (1-65535)"), err);
        }
    }

    @Test
    void missingDefaultFileRunsOnDefaults() throws Exception {
        try (Launcher launcher = Launcher.start(options(null))) {
            BundleContext context = launcher.framework().getBundleContext();
            assertEquals("valid", statusProperty(context, "kma.config.state"));
            assertNull(statusProperty(context, "kma.config.error"));
        }
    }

    private LaunchOptions options(Path config) {
        Path file = config != null ? config : dir.resolve("absent/config.yaml");
        return new LaunchOptions(home, file, config != null, dir.resolve("state"), dir.resolve("deploy"), Map.of());
    }

    private static Object statusProperty(BundleContext context, String name) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences((String) null,
                    "(objectClass=io.kma.api.config.ConfigurationStatus)");
            assertNotNull(refs, "ConfigurationStatus registered");
            return refs[0].getProperty(name);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Through reflection: ConfigAdmin's classes live in the framework, not on the test class path's loader. */
    private static Object configProperty(BundleContext context, String pid, String name) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.cm.ConfigurationAdmin", null);
            Object admin = context.getService(refs[0]);
            try {
                Class<?> api = admin.getClass().getClassLoader().loadClass("org.osgi.service.cm.ConfigurationAdmin");
                Method list = api.getMethod("listConfigurations", String.class);
                Object[] configurations = (Object[]) list.invoke(admin, "(service.pid=" + pid + ")");
                if (configurations == null) {
                    return null;
                }
                Class<?> configuration = api.getClassLoader().loadClass("org.osgi.service.cm.Configuration");
                Dictionary<?, ?> props = (Dictionary<?, ?>) configuration.getMethod("getProperties").invoke(configurations[0]);
                return props == null ? null : props.get(name);
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
