package io.kma.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd readiness ({@code Type=notify}): when the environment has {@code NOTIFY_SOCKET}, runs
 * {@code systemd-notify --ready --status=...} once the API endpoint serves, and {@code systemd-notify --status=...}
 * while it waits. Ready does not wait for a scrape: a host that boots while kube-apiserver is still down must start
 * (and answer 503 with a Status saying why) instead of failing TimeoutStartSec and restarting in a loop. Java 17 cannot open AF_UNIX datagram sockets, so the message
 * is sent by a child process: the unit needs {@code NotifyAccess=all}. Without {@code NOTIFY_SOCKET} nothing
 * happens.
 *
 * <p>Readiness is observed from outside the bundles: the metrics-api handler is registered (service property
 * {@code kma.http.path=/apis}), and {@code GET /livez} on the configured port over loopback answers 200.
 */
final class SystemdNotify implements AutoCloseable {

    /** Says what readiness still waits for; null when ready. Must be bounded in time. */
    interface Probe {
        String waitingFor() throws Exception;
    }

    static final long POLL_MILLIS = 1_000;
    static final long COMMAND_TIMEOUT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    private final List<String> command;
    private final Probe probe;
    private final long pollMillis;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean ready;
    private boolean warned;

    SystemdNotify(List<String> command, Probe probe, long pollMillis) {
        this.command = List.copyOf(command);
        this.probe = probe;
        this.pollMillis = pollMillis;
        this.thread = new Thread(this::loop, "kma-systemd-notify");
        thread.setDaemon(true);
    }

    /**
     * Starts watching readiness when {@code notifySocket} (the environment's NOTIFY_SOCKET) is set; returns null
     * otherwise. {@code command} is the systemd-notify command (property {@code kma.systemd.notify}, default
     * {@code systemd-notify}).
     */
    static SystemdNotify startIfRequested(String notifySocket, String command, Framework framework) {
        if (notifySocket == null || notifySocket.isBlank() || framework.getState() != Bundle.ACTIVE) {
            return null;
        }
        SystemdNotify notify = new SystemdNotify(List.of(command == null || command.isBlank() ? "systemd-notify" : command),
                new LoopbackReadiness(framework.getBundleContext()), POLL_MILLIS);
        notify.start();
        return notify;
    }

    void start() {
        thread.start();
    }

    boolean ready() {
        return ready;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(COMMAND_TIMEOUT_SECONDS * 1000 + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        String last = null;
        while (!closed) {
            String waiting;
            try {
                waiting = probe.waitingFor();
            } catch (Exception e) {
                waiting = "starting: " + Problems.describe(e);
            }
            if (closed) {
                return;
            }
            if (waiting == null) {
                String status = "serving metrics.k8s.io";
                if (run("--ready", "--status=" + status)) {
                    ready = true;
                    LOG.info("systemd notified: READY=1 ({})", status);
                }
                return;
            }
            if (!waiting.equals(last)) {
                run("--status=" + waiting);
                last = waiting;
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs systemd-notify with the arguments; true when it exited 0. Bounded by {@value #COMMAND_TIMEOUT_SECONDS} s. */
    private boolean run(String... args) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                warnOnce(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
                return false;
            }
            // It has exited, so its (short) output is all in the pipe.
            String output = new String(p.getInputStream().readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                warnOnce(String.join(" ", command) + " exited with " + p.exitValue()
                        + (output.isEmpty() ? "" : ": " + output.replaceAll("\\s*\\R\\s*", " "))
                        + " (does the unit have NotifyAccess=all?)");
                return false;
            }
            return true;
        } catch (IOException e) {
            warnOnce("cannot run " + String.join(" ", command) + ": " + Problems.describe(e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.warn("systemd notification failed: {}", message);
        }
    }

    /** The real probe: metrics-api registered, then /readyz over loopback on the configured port. */
    static final class LoopbackReadiness implements Probe {

        static final int TIMEOUT_MILLIS = 2_000;

        private final BundleContext context;

        LoopbackReadiness(BundleContext context) {
            this.context = context;
        }

        @Override
        public String waitingFor() throws Exception {
            if ((context.getBundle().getState() & Bundle.ACTIVE) == 0) {
                return "stopping";
            }
            if (!apiHandlerRegistered(context)) {
                return "waiting for the metrics.k8s.io API handler";
            }
            Object bind = configProperty(context, "io.kma.http.server", "bindAddress");
            Object port = configProperty(context, "io.kma.http.server", "securePort");
            if (bind == null || !(port instanceof Integer p)) {
                return "waiting for the configuration";
            }
            return health(loopbackFor(bind.toString()), p, "/livez");
        }

        static boolean apiHandlerRegistered(BundleContext context) throws InvalidSyntaxException {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(kma.http.path=/apis)");
            return refs != null && refs.length > 0;
        }

        /** Where to dial the listener: the bound address, or loopback when it listens on every address. */
        static String loopbackFor(String bindAddress) {
            if (bindAddress.isBlank() || bindAddress.equals("0.0.0.0")) {
                return "127.0.0.1";
            }
            if (bindAddress.equals("::") || bindAddress.equals("::0")) {
                return "::1";
            }
            return bindAddress;
        }

        /** Null when {@code GET path} ({@code /livez}, {@code /readyz}) answers 200, else what it reports. No credentials are sent. */
        static String health(String host, int port, String path) throws Exception {
            String h = host.contains(":") ? "[" + host + "]" : host;
            URL url = new URL("https://" + h + ":" + port + path + "?verbose");
            HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
            // Our own listener on this host: only its status is read, so its certificate is not verified (it may
            // be self-signed, or name the service rather than this address).
            c.setSSLSocketFactory(TRUST_ANY.getSocketFactory());
            c.setHostnameVerifier((name, session) -> true);
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            c.setInstanceFollowRedirects(false);
            try {
                int code = c.getResponseCode();
                if (code == HttpURLConnection.HTTP_OK) {
                    return null;
                }
                String body = read(c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream());
                List<String> failed = body.lines().filter(l -> l.startsWith("[-]")).map(l -> l.substring(3)).toList();
                return "waiting for " + path + " (" + code + (failed.isEmpty() ? "" : ": " + String.join(", ", failed)) + ")";
            } catch (IOException e) {
                return "waiting for the listener on " + h + ":" + port + " (" + Problems.describe(e) + ")";
            } finally {
                c.disconnect();
            }
        }

        private static String read(InputStream in) throws IOException {
            if (in == null) {
                return "";
            }
            try (in) {
                return new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8);
            }
        }

        /** Through reflection: ConfigAdmin's classes live in the framework, not on the launcher's class path. */
        static Object configProperty(BundleContext context, String pid, String name) throws Exception {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.cm.ConfigurationAdmin", null);
            if (refs == null || refs.length == 0) {
                return null;
            }
            Object admin = context.getService(refs[0]);
            if (admin == null) {
                return null;
            }
            try {
                Class<?> api = admin.getClass().getClassLoader().loadClass("org.osgi.service.cm.ConfigurationAdmin");
                Method list = api.getMethod("listConfigurations", String.class);
                Object[] configurations = (Object[]) list.invoke(admin, "(service.pid=" + pid + ")");
                if (configurations == null || configurations.length == 0) {
                    return null;
                }
                Class<?> configuration = api.getClassLoader().loadClass("org.osgi.service.cm.Configuration");
                Dictionary<?, ?> props = (Dictionary<?, ?>) configuration.getMethod("getProperties").invoke(configurations[0]);
                return props == null ? null : props.get(name);
            } finally {
                context.ungetService(refs[0]);
            }
        }

        private static final SSLContext TRUST_ANY = trustAny();

        private static SSLContext trustAny() {
            try {
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, new TrustManager[] {new X509TrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {
                        throw new UnsupportedOperationException("client side only");
                    }

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {
                        // see health(): only the status of our own listener is read
                    }

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                }}, new SecureRandom());
                return ssl;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
