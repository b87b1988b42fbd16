package io.kma.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.kma.simulator.MarkerBundle;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;
import io.kma.testsupport.LoopbackPorts;
import io.kma.testsupport.TestPki;

/**
 * The RPM end to end, without touching this machine's /etc, /usr or /var: builds it from the
 * distribution with {@code rpm/build-rpm.sh}, installs it with {@code dnf --installroot} from a local repository
 * into a scratch root under target/ (a test-only shim package stands in for the RHEL base system and provides
 * the Java runtime name), checks files, owners, modes and the unit, runs the installed launcher with the
 * installed configuration against the cluster simulator (ready after a scrape; the installed doctor passes), then
 * upgrades (an edited config.yaml stays) and erases the package.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RpmPackageTest {

    private static final String NAME = "kube-metrics-appliance";
    private static final String USER = "kube-metrics-appliance";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration LIVEZ_TIMEOUT = Duration.ofSeconds(60);

    private static Path repo;
    private static Path dist;
    private static Path work;
    private static Path rpmRepo;
    private static Path root;
    private static String rpmVersion;
    private static Path rpm1;
    private static boolean installed;

    @BeforeAll
    static void buildAndInstall() throws Exception {
        repo = Path.of(System.getProperty("kma.repo", "../..")).toAbsolutePath().normalize();
        dist = Path.of(System.getProperty("kma.dist", repo + "/assembly/target/kube-metrics-appliance"))
                .toAbsolutePath().normalize();
        work = Path.of(System.getProperty("kma.work", "target/packaging-test")).toAbsolutePath().normalize();
        String version = System.getProperty("kma.version", "0.1.0-SNAPSHOT");
        rpmVersion = version.replace('-', '~');

        List<String> missing = new ArrayList<>();
        for (String tool : List.of("rpmbuild", "rpm", "dnf", "createrepo_c")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || missing.contains("rpmbuild") || missing.contains("rpm")) {
            String why = (root ? "" : "not running as root (needed to chown files in the scratch root); ")
                    + (missing.isEmpty() ? "" : "missing " + missing + " (Debian: apt-get install rpm dnf createrepo-c)");
            banner("SKIPPED: the RPM packaging test cannot run here: " + why);
            assumeTrue(false, why);
        }
        if (missing.contains("dnf") || missing.contains("createrepo_c")) {
            banner("FALLBACK: dnf/createrepo_c missing " + missing + ": installing with 'rpm --root' instead of "
                    + "'dnf --installroot'");
        }
        assertTrue(Files.isRegularFile(dist.resolve("bin/" + NAME)),
                "no distribution at " + dist + "; build it first: mvn -B -q install -DskipTests");

        deleteTree(work);
        rpmRepo = Files.createDirectories(work.resolve("repo"));
        RpmPackageTest.root = work.resolve("root");

        Result built = run(List.of(repo + "/rpm/build-rpm.sh", "--dist", dist.toString(), "--out", rpmRepo.toString(),
                "--version", version, "--release", "1"));
        rpm1 = Path.of(built.lastLine());
        assertEquals(NAME + "-" + rpmVersion + "-1.noarch.rpm", rpm1.getFileName().toString());
        run(List.of(scripts("make-host-shim-rpm.sh"), rpmRepo.toString()));

        Result install = run(List.of(scripts("scratch-root.sh"), "install", RpmPackageTest.root.toString(),
                rpmRepo.toString(), NAME));
        reportInstaller(install);
        installed = true;
    }

    @Test
    @Order(1)
    void rpmHeaderHasTheJavaRuntimeAndNoTestTooling() throws Exception {
        String requires = run(List.of("rpm", "-qp", "--requires", rpm1.toString())).out;
        assertTrue(requires.contains(
                "(java-17-headless or java-21-headless or java-25-headless or java-latest-openjdk-headless)"), requires);
        assertTrue(requires.contains("shadow-utils"), requires);
        String files = run(List.of("rpm", "-qpl", rpm1.toString())).out;
        assertFalse(files.contains("/simulator"), "lib/simulator must not be packaged:\n" + files);
        assertTrue(files.contains("/usr/share/kube-metrics-appliance/bundles/"), files);
        String configs = run(List.of("rpm", "-qpc", rpm1.toString())).out;
        assertTrue(configs.contains("/etc/kube-metrics-appliance/config.yaml"), configs);
        assertTrue(configs.contains("/etc/sysconfig/kube-metrics-appliance"), configs);
        String scripts = run(List.of("rpm", "-qp", "--scripts", rpm1.toString())).out;
        assertFalse(scripts.contains("%systemd"), "unexpanded systemd macros in the scriptlets:\n" + scripts);
        assertTrue(scripts.contains("useradd -r"), scripts);
    }

    @Test
    @Order(2)
    void filesOwnersAndModes() throws Exception {
        assumeTrue(installed);
        Map<String, String> users = idNames(root.resolve("etc/passwd"));
        Map<String, String> groups = idNames(root.resolve("etc/group"));
        assertTrue(users.containsValue(USER), "%pre did not create the user " + USER + ": " + users);
        assertTrue(groups.containsValue(USER), "%pre did not create the group " + USER + ": " + groups);
        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertTrue(passwd.lines().anyMatch(l -> l.startsWith(USER + ":") && l.endsWith(":/sbin/nologin")
                && Integer.parseInt(l.split(":")[2]) < 1000), "not a system account with nologin:\n" + passwd);

        expect(users, groups, "usr/share/kube-metrics-appliance", "rwxr-xr-x", "root", "root");
        expect(users, groups, "usr/share/kube-metrics-appliance/bin/kube-metrics-appliance", "rwxr-xr-x", "root", "root");
        expect(users, groups, "usr/share/kube-metrics-appliance/bundles", "rwxr-xr-x", "root", "root");
        expect(users, groups, "usr/share/kube-metrics-appliance/lib", "rwxr-xr-x", "root", "root");
        expect(users, groups, "etc/kube-metrics-appliance", "rwxr-x---", "root", USER);
        expect(users, groups, "etc/kube-metrics-appliance/config.yaml", "rw-r-----", "root", USER);
        expect(users, groups, "etc/sysconfig/kube-metrics-appliance", "rw-r--r--", "root", "root");
        expect(users, groups, "etc/kube-metrics-appliance/deploy", "rwxr-xr-x", "root", "root");
        expect(users, groups, "etc/kube-metrics-appliance/identity", "rwxr-xr-x", "root", "root");
        expect(users, groups, "var/lib/kube-metrics-appliance", "rwxr-x---", USER, USER);
        expect(users, groups, "var/lib/kube-metrics-appliance/certs", "rwx------", USER, USER);
        assertFalse(Files.exists(root.resolve("var/lib/kube-metrics-appliance/deploy")),
                "no deploy directory inside the service user's state directory");
        expect(users, groups, "usr/lib/systemd/system/kube-metrics-appliance-identity.service", "rw-r--r--", "root", "root");
        expect(users, groups, "usr/lib/systemd/system/kube-metrics-appliance-identity.timer", "rw-r--r--", "root", "root");
        expect(users, groups, "usr/lib/systemd/system/kube-metrics-appliance.service", "rw-r--r--", "root", "root");
        expect(users, groups, "usr/lib/sysusers.d/kube-metrics-appliance.conf", "rw-r--r--", "root", "root");

        Path launcher = root.resolve("usr/bin/kube-metrics-appliance");
        assertTrue(Files.isSymbolicLink(launcher), launcher + " is not a symlink");
        assertEquals("../share/kube-metrics-appliance/bin/kube-metrics-appliance",
                Files.readSymbolicLink(launcher).toString());
        assertTrue(Files.isExecutable(launcher), "the symlink does not resolve inside the root");
        Path deploy = root.resolve("usr/share/kube-metrics-appliance/deploy");
        assertEquals(root.resolve("etc/kube-metrics-appliance/deploy").toRealPath(), deploy.toRealPath());

        try (Stream<Path> bundles = Files.list(root.resolve("usr/share/kube-metrics-appliance/bundles"))) {
            long installedBundles = bundles.filter(p -> p.toString().endsWith(".jar")).count();
            long distBundles;
            try (Stream<Path> d = Files.list(dist.resolve("bundles"))) {
                distBundles = d.filter(p -> p.toString().endsWith(".jar")).count();
            }
            assertEquals(distBundles, installedBundles, "bundles/ differs from the distribution");
        }
        assertFalse(Files.exists(root.resolve("usr/share/kube-metrics-appliance/lib/simulator")));
        assertEquals(Files.readString(dist.resolve("config/config.yaml")),
                Files.readString(root.resolve("etc/kube-metrics-appliance/config.yaml")));
        String verify = run(List.of(scripts("scratch-root.sh"), "query", root.toString(), "--verify", NAME)).out;
        assertTrue(verify.isBlank(), "rpm --verify reports changes right after install:\n" + verify);
    }

    /**
     * Nothing root (or the service) loads code from can be replaced by the service user: every path, and every
     * directory above it, belongs to root and is writable by nobody else; and the service user's own attempts to
     * swap deploy/ (the attack of issue 11), plant a jar or a bundle, or touch the launcher fail.
     */
    @Test
    @Order(2)
    void theServiceUserCannotReplaceAnythingRootLoads() throws Exception {
        assumeTrue(installed);
        Map<String, String> users = idNames(root.resolve("etc/passwd"));
        String uid = users.entrySet().stream().filter(e -> e.getValue().equals(USER)).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
        Map<String, String> groups = idNames(root.resolve("etc/group"));
        String gid = groups.entrySet().stream().filter(e -> e.getValue().equals(USER)).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
        List<Path> loaded = new ArrayList<>(List.of(root.resolve("etc/kube-metrics-appliance/deploy"),
                root.resolve("usr/share/kube-metrics-appliance/bin/kube-metrics-appliance")));
        try (Stream<Path> s = Stream.concat(Files.list(root.resolve("usr/share/kube-metrics-appliance/lib")),
                Files.list(root.resolve("usr/share/kube-metrics-appliance/bundles")))) {
            s.forEach(loaded::add);
        }
        for (Path p : loaded) {
            for (Path q = p; q != null && q.startsWith(root); q = q.getParent()) {
                int owner = (Integer) Files.getAttribute(q, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(q, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                assertEquals(0, owner, q + " must belong to root");
                assertEquals(0, mode & 0022, q + " must be writable by root only (mode " + Integer.toOctalString(mode) + ")");
            }
        }
        if (!onPath("setpriv")) {
            banner("SKIPPED PART: setpriv not found: the service user's write attempts were NOT tried (modes checked above)");
            return;
        }
        Path deploy = root.resolve("etc/kube-metrics-appliance/deploy");
        List<String> as = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
        // reachable: the service user can read what it runs, so the refusals below are about writing
        assertEquals(0, run(concat(as, List.of("test", "-r", root.resolve("usr/share/kube-metrics-appliance/bundles")
                .toString())), true).rc, "the service user cannot even reach the installed bundles");
        assertEquals(0, run(concat(as, List.of("ls", deploy.toString())), true).rc, "the service user cannot read deploy/");
        for (List<String> attack : List.of(
                List.of("mv", deploy.toString(), deploy + ".x"),
                List.of("touch", deploy.resolve("evil.jar").toString()),
                List.of("touch", root.resolve("usr/share/kube-metrics-appliance/bundles/evil.jar").toString()),
                List.of("ln", "-sfn", "/tmp", root.resolve("usr/share/kube-metrics-appliance/deploy").toString()),
                List.of("touch", root.resolve("usr/share/kube-metrics-appliance/bin/kube-metrics-appliance").toString()))) {
            Result r = run(concat(as, attack), true);
            assertTrue(r.rc != 0, "the service user succeeded: " + attack + "\n" + r.out);
        }
        assertTrue(Files.isDirectory(deploy, LinkOption.NOFOLLOW_LINKS), "deploy/ was replaced");
        assertFalse(Files.exists(deploy.resolve("evil.jar")), "a jar was planted");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    @Order(3)
    void unitFileVerifiesAndIsHardened() throws Exception {
        assumeTrue(installed);
        if (!onPath("systemd-analyze")) {
            banner("SKIPPED: systemd-analyze not found (Debian package systemd): the unit was NOT verified");
            assumeTrue(false, "systemd-analyze not found");
        }
        String unit = Files.readString(root.resolve("usr/lib/systemd/system/kube-metrics-appliance.service"));
        for (String line : List.of("Type=notify", "NotifyAccess=all", "User=" + USER, "Group=" + USER,
                "EnvironmentFile=-/etc/sysconfig/kube-metrics-appliance",
                "Environment=KMA_STATE_DIR=/var/lib/kube-metrics-appliance", "SuccessExitStatus=143",
                "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID", "StateDirectory=kube-metrics-appliance",
                "ConfigurationDirectory=kube-metrics-appliance", "CapabilityBoundingSet=", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "MemoryDenyWriteExecute=no", "UMask=0077",
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")) {
            assertTrue(unit.lines().anyMatch(line::equals), "unit lacks " + line);
        }
        Result check = run(List.of(repo + "/systemd/verify-unit.sh", root.toString()));
        assertTrue(check.out.contains("systemd-analyze verify: OK (no output)"), check.out);
        Matcher m = Pattern.compile("Overall exposure level for kube-metrics-appliance.service: (\\d+\\.\\d) (\\S+)")
                .matcher(check.out);
        assertTrue(m.find(), check.out);
        double exposure = Double.parseDouble(m.group(1));
        System.out.println("[packaging] systemd-analyze security: exposure " + m.group(1) + " " + m.group(2));
        assertTrue(exposure <= 4.9, "exposure " + exposure + " is above 4.9");
    }

    @Test
    @Order(4)
    void installedLauncherServesTheSimulatedClusterItsDoctorPassesAndItStopsOnSigterm() throws Exception {
        assumeTrue(installed);
        Path t = Files.createDirectories(work.resolve("run"));
        Path state = Files.createDirectories(t.resolve("state"));
        int port = LoopbackPorts.free();
        try (Simulator sim = Simulator.start(SimulatorOptions.builder(t.resolve("sim")).nodes(2).podsPerNode(2)
                .applianceUrl(URI.create("https://127.0.0.1:" + port)).build())) {
            Path pki = sim.dir().resolve("pki");
            // The installed config.yaml, pointed at the simulated cluster's files as an operator points it at kubeadm's.
            String config = Files.readString(root.resolve("etc/kube-metrics-appliance/config.yaml"));
            config = replaceLine(config, "^kubeconfig: .*$", "kubeconfig: " + sim.dir().resolve("appliance.kubeconfig"));
            config = replaceLine(config, "^(\\s+bindAddress:) .*$", "$1 127.0.0.1");
            config = replaceLine(config, "^(\\s+securePort:) .*$", "$1 " + port);
            config = replaceLine(config, "^(\\s+certDir:) .*$", "$1 " + t.resolve("certs"));
            config = replaceLine(config, "^(\\s+preferredAddressTypes:) .*$", "$1 [InternalIP, Hostname]");
            config = replaceLine(config, "^(\\s+certificateAuthority:) .*$", "$1 " + pki.resolve("ca.crt"));
            // kubelet.auth stays at its default (kubeconfig): the appliance's own identity, no kubeadm admin certificate
            config = replaceLine(config, "^(\\s+requestheaderClientCAFile:) .*$", "$1 " + pki.resolve("front-proxy-ca.crt"));
            // self-registration in the simulator's Endpoints: its appliance listens on loopback, which only the simulator accepts
            config = replaceLine(config, "^(\\s+advertiseAddress:) .*$", "$1 127.0.0.1");
            config = replaceLine(config, "^(\\s+allowLoopback:) .*$", "$1 true");
            config = replaceLine(config, "^(\\s+shutdownDelay:) .*$", "$1 2s");
            Path configFile = t.resolve("config.yaml");
            Files.writeString(configFile, config);

            // A bundle in the installed deploy directory (root's, so trusted) that writes a marker when it runs:
            // `run` hot-deploys it; `doctor`, run as root, must never read that directory.
            Path marker = t.resolve("deployed.marker");
            Path markerJar = MarkerBundle.write(root.resolve("etc/kube-metrics-appliance/deploy"), "marker", marker);
            Path log = t.resolve("appliance.log");
            Process p = installedLauncher(state, log, "run", "--config", configFile.toString());
            long start = System.nanoTime();
            try {
                // the appliance serves the self-signed certificate it generated a moment ago; only /livez is asked
                HttpClient http = HttpClient.newBuilder().sslContext(TestPki.clientContext(null, null))
                        .connectTimeout(Duration.ofSeconds(2)).build();
                int status = awaitStatus(http, p, URI.create("https://127.0.0.1:" + port + "/livez"));
                assertEquals(200, status, "no /livez 200 within " + LIVEZ_TIMEOUT.toSeconds() + " s (alive: "
                        + p.isAlive() + "):\n" + tail(log));
                System.out.printf("[packaging] installed launcher: /livez 200 on 127.0.0.1:%d after %d ms%n", port,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertTrue(Files.exists(t.resolve("certs")), "no self-signed certificate in certDir:\n" + tail(log));
                // ready = served and one complete scrape of the simulated kubelets with the installed config
                assertEquals(200, awaitStatus(http, p, URI.create("https://127.0.0.1:" + port + "/readyz")),
                        "no /readyz 200 within " + LIVEZ_TIMEOUT.toSeconds() + " s:\n" + tail(log));
                awaitAvailable(sim);
                long markerDeadline = System.nanoTime() + LIVEZ_TIMEOUT.toNanos();
                while (!Files.exists(marker) && System.nanoTime() < markerDeadline) {
                    Thread.sleep(200);
                }
                assertTrue(Files.exists(marker), "run did not hot-deploy the root-owned marker bundle:\n" + tail(log));
                Files.delete(marker);

                Path doctorLog = t.resolve("doctor.log");
                Process doctor = installedLauncher(Files.createDirectories(t.resolve("doctor-state")), doctorLog, "doctor",
                        "--config", configFile.toString(), "--apiserver-manifest", t.resolve("no-such-manifest.yaml").toString());
                try {
                    assertTrue(doctor.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "doctor did not finish");
                } finally {
                    doctor.destroyForcibly();
                }
                String report = Files.readString(doctorLog);
                System.out.println("[packaging] installed doctor:\n" + report.indent(2));
                assertEquals(0, doctor.exitValue(), report);
                assertFalse(Files.exists(marker), "doctor (as root) loaded a bundle from the deploy directory");
                for (String line : List.of("OK    kube-apiserver: ", "OK    RBAC: ", "OK    APIService v1beta1.metrics.k8s.io: ",
                        "OK    registration: ", "OK    Endpoints kube-system/metrics-server: this host's 127.0.0.1:" + port + " is ready",
                        "OK    node sim-node-0: ", "OK    node sim-node-1: ")) {
                    assertTrue(report.contains("\n" + line), "no line starting " + line + ":\n" + report);
                }

                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "no exit within 20 s of SIGTERM:\n" + tail(log));
                assertEquals(0, p.exitValue(), "exit code after SIGTERM (a graceful stop):\n" + tail(log));
                assertTrue(Files.readString(log).contains("withdrawn from the Service's Endpoints; serving on for"), tail(log));
            } finally {
                if (p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(markerJar);
            }
        }
    }

    /** The installed /usr/bin/kube-metrics-appliance on the host's Java, its state under the scratch root. */
    private static Process installedLauncher(Path state, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("usr/bin/kube-metrics-appliance").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("KMA_STATE_DIR", state.toString());
        pb.environment().remove("KMA_DEPLOY_DIR");
        pb.environment().remove("JAVA_OPTS");
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls until 200, the process exits or LIVEZ_TIMEOUT passes; the last status, -1 when nothing answered. */
    private static int awaitStatus(HttpClient http, Process p, URI uri) throws InterruptedException {
        int status = -1;
        long deadline = System.nanoTime() + LIVEZ_TIMEOUT.toNanos();
        while (status != 200 && System.nanoTime() < deadline && p.isAlive()) {
            try {
                status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            }
            if (status != 200) {
                Thread.sleep(250);
            }
        }
        return status;
    }

    /** The simulated aggregator checks the APIService now instead of at its next period. */
    private static void awaitAvailable(Simulator sim) throws InterruptedException {
        long deadline = System.nanoTime() + LIVEZ_TIMEOUT.toNanos();
        while (!sim.registration().checkNow() && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertTrue(sim.registration().availability().available(), "APIService not Available: "
                + sim.registration().availability());
    }

    @Test
    @Order(5)
    void upgradeKeepsAnEditedConfigAndErasingRemovesThePackage() throws Exception {
        assumeTrue(installed);
        Path config = root.resolve("etc/kube-metrics-appliance/config.yaml");
        Files.writeString(config, Files.readString(config) + "# edited by the administrator\n");
        Path sysconfig = root.resolve("etc/sysconfig/kube-metrics-appliance");
        Files.writeString(sysconfig, Files.readString(sysconfig) + "JAVA_OPTS=-Xmx1g\n");

        // Release 2 ships a changed default config.yaml, so rpm has to choose between the two.
        Path dist2 = work.resolve("dist-release-2");
        copyTree(dist, dist2);
        Path defaults = dist2.resolve("config/config.yaml");
        Files.writeString(defaults, Files.readString(defaults) + "# release 2\n");
        run(List.of(repo + "/rpm/build-rpm.sh", "--dist", dist2.toString(), "--out", rpmRepo.toString(),
                "--version", System.getProperty("kma.version", "0.1.0-SNAPSHOT"), "--release", "2"));
        reportInstaller(run(List.of(scripts("scratch-root.sh"), "upgrade", root.toString(), rpmRepo.toString(), NAME)));

        assertEquals(NAME + "-" + rpmVersion + "-2.noarch",
                run(List.of(scripts("scratch-root.sh"), "query", root.toString(), NAME)).lastLine());
        assertTrue(Files.readString(config).endsWith("# edited by the administrator\n"), "the upgrade replaced config.yaml");
        assertTrue(Files.readString(config.resolveSibling("config.yaml.rpmnew")).endsWith("# release 2\n"),
                "the new default config is not in config.yaml.rpmnew");
        assertTrue(Files.readString(sysconfig).contains("JAVA_OPTS=-Xmx1g"), "the upgrade replaced the sysconfig file");

        reportInstaller(run(List.of(scripts("scratch-root.sh"), "erase", root.toString(), NAME)));
        assertFalse(Files.exists(root.resolve("usr/share/kube-metrics-appliance"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("usr/bin/kube-metrics-appliance"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("usr/lib/systemd/system/kube-metrics-appliance.service")));
        assertFalse(Files.exists(root.resolve("usr/share/doc/kube-metrics-appliance")));
        assertTrue(Files.readString(config.resolveSibling("config.yaml.rpmsave")).endsWith("# edited by the administrator\n"),
                "the edited config.yaml was not saved as config.yaml.rpmsave on erase");
        Result q = run(List.of("rpm", "--root", root.toString(), "-q", NAME), true);
        assertTrue(q.rc != 0 && q.out.contains("not installed"), q.out);
    }

    // ---- helpers

    private record Result(int rc, String out) {
        String lastLine() {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
        }
    }

    private static Result run(List<String> command) throws Exception {
        return run(command, false);
    }

    /** Runs a command with a bounded time; its output goes to a log under work/ and into the failure message. */
    private static Result run(List<String> command, boolean mayFail) throws Exception {
        Files.createDirectories(work);
        Path log = Files.createTempFile(work, "step-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("timed out after " + STEP_TIMEOUT.toSeconds() + " s: " + String.join(" ", command) + "\n" + tail(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("[packaging] %s (rc %d, %d ms)%n", shortName(command), p.exitValue(), ms);
        if (out.contains("FALLBACK")) {
            banner(out.lines().filter(l -> l.contains("FALLBACK")).findFirst().orElse("FALLBACK"));
        }
        if (!mayFail && p.exitValue() != 0) {
            fail("failed (rc " + p.exitValue() + "): " + String.join(" ", command) + "\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    private static void reportInstaller(Result r) {
        if (r.out.contains("FALLBACK=rpm")) {
            banner("FALLBACK: the package was installed with 'rpm --root', NOT with 'dnf --installroot'");
        }
    }

    private static void banner(String message) {
        String bar = "!".repeat(Math.min(100, message.length() + 8));
        System.out.println(bar + "\n!!! " + message + "\n" + bar);
        System.err.println("[packaging] " + message);
    }

    private static String shortName(List<String> command) {
        String first = Path.of(command.get(0)).getFileName().toString();
        return command.size() > 1 ? first + " " + command.get(1) : first;
    }

    private static String scripts(String name) {
        return repo.resolve("testing/packaging/scripts").resolve(name).toString();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** uid/gid -> name from the scratch root's passwd or group file. */
    private static Map<String, String> idNames(Path file) throws IOException {
        Map<String, String> names = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(":");
            if (f.length > 2) {
                names.put(f[2], f[0]);
            }
        }
        return names;
    }

    private static void expect(Map<String, String> users, Map<String, String> groups, String path, String mode,
            String owner, String group) throws IOException {
        Path p = root.resolve(path);
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), "missing /" + path);
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        assertEquals(mode, perms, "mode of /" + path);
        assertEquals(owner, users.get(String.valueOf(uid)), "owner of /" + path + " (uid " + uid + ")");
        assertEquals(group, groups.get(String.valueOf(gid)), "group of /" + path + " (gid " + gid + ")");
    }

    private static String replaceLine(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "the installed config.yaml has no line matching " + regex);
        return m.replaceFirst(Matcher.quoteReplacement(replacement).replace("\\$1", "$1"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
