package io.kma.config.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.runtime.Reload;

/**
 * Reads config.yaml (framework property kma.config), validates it, writes every PID to ConfigAdmin and
 * publishes the outcome as the ConfigurationStatus service; re-reads the file when it changes. An invalid
 * edit is logged and the running configuration stays.
 */
@Component(immediate = true, service = {})
public final class ConfigFeeder {

    static final String DEFAULT_PATH = "/etc/kube-metrics-appliance/config.yaml";
    static final long POLL_MILLIS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFeeder.class);

    @Reference
    ConfigurationAdmin configAdmin;

    private ConfigFile file;
    private ConfigurationWriter writer;
    private StatusPublisher status;
    private ScheduledExecutorService poller;
    private ServiceRegistration<Reload> reloadOnSignal;
    private byte[] lastContent;
    private boolean lastMissing;
    private boolean applied;
    private String overridesError;
    private String flagsNote = "";

    @Activate
    void activate(BundleContext context) {
        String configured = context.getProperty("kma.config");
        List<Overrides.Override> overrides = List.of();
        try {
            overrides = Overrides.parse(context.getProperty(Overrides.PROPERTY));
        } catch (InvalidConfigException e) {
            overridesError = e.getMessage();
        }
        if (!overrides.isEmpty()) {
            flagsNote = " with command-line flags " + String.join(" ", overrides.stream().map(Overrides.Override::flag)
                    .distinct().toList());
        }
        file = new ConfigFile(Path.of(configured == null || configured.isBlank() ? DEFAULT_PATH : configured),
                Boolean.parseBoolean(context.getProperty("kma.config.explicit")), overrides);
        writer = new ConfigurationWriter(configAdmin);
        status = new StatusPublisher(context, file.path().toString());
        reload(true);

        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kma-config-watch");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> reload(false), POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);

        // The launcher runs this on SIGHUP.
        reloadOnSignal = context.registerService(Reload.class, () -> poller.execute(() -> reload(true)), null);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (reloadOnSignal != null) {
            try {
                reloadOnSignal.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework while the bundle stops
            }
        }
        poller.shutdownNow();
        if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("configuration watcher did not stop within 5 s");
        }
        status.close();
    }

    /** Reads the file; applies it when its content changed (or when forced). Runs on one thread at a time. */
    private synchronized void reload(boolean force) {
        if (overridesError != null) {
            reject(overridesError);
            return;
        }
        byte[] content;
        try {
            content = file.readBytes();
        } catch (IOException e) {
            reject(file.path() + ": cannot read: " + e.getMessage());
            return;
        }
        boolean missing = content == null;
        if (!force && missing == lastMissing && Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        lastMissing = missing;
        if (missing && applied && !file.explicit()) {
            LOG.warn("{} was removed; keeping the running configuration", file.path());
            return;
        }
        Settings settings;
        try {
            settings = file.parse(content);
        } catch (InvalidConfigException e) {
            reject(e.getMessage());
            return;
        }
        try {
            List<String> written = writer.write(PidMapping.toPids(settings));
            if (!applied) {
                LOG.info("configuration applied from {}{} ({} PIDs written)",
                        missing ? "the built-in defaults (there is no " + file.path() + ")" : file.path(), flagsNote,
                        written.size());
            } else if (!written.isEmpty()) {
                LOG.info("configuration re-applied from {}{}: updated {}", file.path(), flagsNote, String.join(", ", written));
            } else {
                LOG.info("configuration re-read from {}: no setting changed", file.path());
            }
            applied = true;
            status.valid(null);
        } catch (IOException | IllegalStateException e) {
            reject(file.path() + ": cannot write the configuration to ConfigAdmin: " + e.getMessage());
        }
    }

    private void reject(String error) {
        if (applied) {
            LOG.error("{} (keeping the running configuration)", error);
            status.valid(error);
        } else {
            LOG.error(error);
            status.invalid(error);
        }
    }
}
