package io.kma.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Command line: {@code run}, {@code demo}, {@code doctor}, {@code manifests}, {@code version}, {@code help}. */
public final class Main {

    static final String USAGE = """
            Usage: kube-metrics-appliance <command> [options]

            Commands:
              run [--config FILE] [FLAGS]            run the appliance (default config: /etc/kube-metrics-appliance/config.yaml;
                                                     without that file it runs on the built-in defaults)
              demo [--nodes N] [--pods-per-node P]   run it against a simulated cluster on this machine (default 3 nodes, 10 pods each)
              manifests [--hosts NAME,...] [--port 4443] [--ca-bundle FILE] [--advertise-address IP,...]
                                                     print the YAML that registers the appliance with kube-apiserver
                                                     (APIService, Service, RBAC; each appliance adds its own address);
                                                     --hosts (required unless --advertise-address) narrows the
                                                     registration RBAC to those hosts' Leases and EndpointSlices;
                                                     --port is the securePort; --advertise-address lists static
                                                     Endpoints/EndpointSlice (registration.enabled: false)
              doctor [--config FILE] [FLAGS] [--apiserver-manifest FILE]
                                                     check the installation step by step (configuration, kubeconfig,
                                                     RBAC, APIService, kube-apiserver flags, every kubelet) and print
                                                     OK/WARN/FAIL with the fix for each; exit 0 only when nothing fails.
                                                     Takes run's flags; safe beside the running service (it neither
                                                     serves nor scrapes). --apiserver-manifest: default
                                                     /etc/kubernetes/manifests/kube-apiserver.yaml
              identity [--kubeconfig FILE] [--approve] [--renew] [--dir DIR] [--owner USER]
                       [--wait-seconds N] [--expiration-seconds N]
                                                     obtain the appliance's own least-privilege client certificate
                                                     (CN system:kube-metrics-appliance) through a CertificateSigningRequest
                                                     submitted with --kubeconfig (default /etc/kubernetes/admin.conf, only
                                                     read); prints the kubectl certificate approve line and waits
                                                     (--wait-seconds, default 900), or approves it itself (--approve); writes
                                                     DIR/kubeconfig, client.crt and client.key (0600, owner USER; defaults
                                                     /etc/kube-metrics-appliance/identity, kube-metrics-appliance).
                                                     --renew: only when the certificate is in the last third of its life
              version                                print the version
              help                                   print this help

            run FLAGS: upstream metrics-server's flags, each overriding the config.yaml key on its right (flags win,
            also after the file changes); --flag=V or --flag V, lists comma-separated; the kubelet client
            certificate and key flags also select kubelet.auth: x509:
            %s
            Environment: NOTIFY_SOCKET (systemd Type=notify: READY=1 through systemd-notify once serving; the unit
            needs NotifyAccess=all), KMA_STATE_DIR (Felix cache), KMA_DEPLOY_DIR (hot-deploy directory, default <home>/deploy), JAVA_OPTS.
            Exit codes: 0 stopped (doctor: all checks passed), 1 invalid configuration or failed start (doctor: a check
            failed), 2 usage error; SIGTERM hands over (readyz fails, the address leaves the Endpoints,
            serving on for server.shutdownDelay) and exits 0.
            """.formatted(RunFlags.usage());

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Returns the exit code; the framework-running commands return only when the framework stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "help", "--help", "-h":
                    if (!rest.isEmpty()) {
                        return usage(err, "help takes no arguments");
                    }
                    out.print(USAGE);
                    return 0;
                case "version", "--version":
                    if (!rest.isEmpty()) {
                        return usage(err, "version takes no arguments");
                    }
                    out.println("kube-metrics-appliance " + BuildInfo.version());
                    return 0;
                case "run":
                    return runCommand(RunFlags.parse(rest), err);
                case "doctor":
                    quietLogs();
                    return Doctor.run(rest, home(), out, err);
                case "identity":
                    quietLogs();
                    return Identity.run(rest, home(), out, err);
                case "manifests":
                    return Manifests.run(Options.parse(rest, Manifests.defaults()), out);
                case "demo":
                    return Demo.run(Options.parse(rest, Map.of("--nodes", "3", "--pods-per-node", "10")), home(), out, err);
                default:
                    return usage(err, "unknown command " + args[0]);
            }
        } catch (Options.UsageException e) {
            return usage(err, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("kube-metrics-appliance: " + Problems.describe(e));
            return 1;
        }
    }

    private static int runCommand(RunFlags.Parsed flags, PrintStream err) throws Exception {
        System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
        if (configMissing(flags, err)) {
            return 1;
        }
        Path home = home();
        // Without the file the config bundle logs that it runs on the built-in defaults.
        return runUntilStopped(new LaunchOptions(home, flags.configFile(), flags.configExplicit(), stateDir(home),
                deployDir(home), flags.frameworkProperties()));
    }

    /** A {@code --config} file must exist (the default one may not); says so on {@code err}. */
    static boolean configMissing(RunFlags.Parsed flags, PrintStream err) {
        if (flags.configExplicit() && !Files.isRegularFile(flags.configFile())) {
            err.println("kube-metrics-appliance: configuration file " + flags.configFile() + " does not exist");
            return true;
        }
        return false;
    }

    /**
     * Runs the launcher until the framework stops. SIGTERM runs the hand-over handlers, then stops every bundle; the
     * exit code is then 0. Other ends of the JVM (SIGINT) stop the framework through the shutdown hook.
     */
    static int runUntilStopped(LaunchOptions options) throws Exception {
        GcmWarmUp.startInBackground(); // while the framework starts: C2 code for the first scrapes' TLS records
        Launcher launcher = Launcher.start(options);
        // Type=notify under systemd: READY=1 once the API serves (/livez), without waiting for kube-apiserver.
        SystemdNotify notify = SystemdNotify.startIfRequested(System.getenv("NOTIFY_SOCKET"),
                System.getProperty("kma.systemd.notify"), launcher.framework());
        Thread hook = new Thread(launcher::close, "kma-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals signals = Signals.open(launcher.framework());
        if (signals != null) {
            signals.reloadOnHangup();
            java.util.concurrent.atomic.AtomicBoolean terminating = new java.util.concurrent.atomic.AtomicBoolean();
            Signals.handOverOnTerm(() -> {
                if (terminating.compareAndSet(false, true)) {
                    signals.handOver();
                    launcher.close();
                }
            });
        }
        int code = launcher.awaitStop();
        if (signals != null) {
            signals.close();
        }
        if (notify != null) {
            notify.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting (SIGINT, or SIGTERM where it cannot be handled): the hook stops the framework
        }
        return code;
    }

    /** The doctor's report is its output: bundle log lines go to stderr, and only errors. */
    private static void quietLogs() {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("kube-metrics-appliance: " + problem);
        err.print(USAGE);
        return 2;
    }

    /** The distribution directory: -Dkma.home (set by bin/kube-metrics-appliance), else the parent of lib/. */
    static Path home() throws URISyntaxException {
        String home = System.getProperty("kma.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent().toAbsolutePath();
    }

    static Path stateDir(Path home) {
        return setting("kma.state.dir", "KMA_STATE_DIR", home.resolve("var"));
    }

    static Path deployDir(Path home) {
        return setting("kma.deploy.dir", "KMA_DEPLOY_DIR", home.resolve("deploy"));
    }

    private static Path setting(String property, String env, Path fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : Path.of(value).toAbsolutePath();
    }
}
