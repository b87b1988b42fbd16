package io.kma.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.runtime.Readiness;

/**
 * systemd readiness ({@code Type=notify}): when the environment has {@code NOTIFY_SOCKET}, runs
 * {@code systemd-notify --ready --status=...} once the {@link Readiness} service says the API serves, and
 * {@code systemd-notify --status=...} while it waits. Ready does not wait for a scrape: a host that boots while
 * kube-apiserver is still down must start (and answer 503 with a Status saying why) instead of failing
 * TimeoutStartSec and restarting in a loop. Java 17 cannot open AF_UNIX datagram sockets, so the message is sent by a
 * child process: the unit needs {@code NotifyAccess=all}. Without {@code NOTIFY_SOCKET} nothing happens.
 */
final class SystemdNotify implements AutoCloseable {

    /** Says what readiness still waits for; null when ready. Must be bounded in time. Closed with the notifier. */
    interface Probe extends AutoCloseable {
        String waitingFor() throws Exception;

        @Override
        default void close() {
        }
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
                new ServiceReadiness(framework.getBundleContext()), POLL_MILLIS);
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
        probe.close();
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
                    new File("/dev/null"))).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                warnOnce(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
                return false;
            }
            // It has exited, so its (short) output is all in the pipe.
            String output = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
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

    /** The real probe: the {@link Readiness} service of the bundle that owns the listener, asked in process. */
    static final class ServiceReadiness implements Probe {

        private final BundleContext context;
        private final ServiceTracker<Readiness, Readiness> tracker;

        ServiceReadiness(BundleContext context) {
            this.context = context;
            this.tracker = new ServiceTracker<>(context, Readiness.class, null);
            tracker.open();
        }

        @Override
        public String waitingFor() {
            if ((context.getBundle().getState() & Bundle.ACTIVE) == 0) {
                return "stopping";
            }
            Readiness readiness = tracker.getService();
            if (readiness == null) {
                return "waiting for the HTTPS listener (bundle io.kma.http.server)";
            }
            return readiness.waitingFor().orElse(null);
        }

        @Override
        public void close() {
            try {
                tracker.close();
            } catch (IllegalStateException frameworkGone) {
                // the tracker's listener went away with the framework
            }
        }
    }
}
