package io.kma.kube.client.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kma.api.config.Pids;
import io.kma.api.tls.TlsMaterials;

/**
 * The connection to kube-apiserver as the configured kubeconfig describes it. A missing or broken
 * kubeconfig does not stop activation: the error is logged once (file and field), reported to the
 * health checks, and the file is tried again every few seconds and whenever the configuration changes.
 * A kubeconfig that changes on disk is reloaded; a reload that fails keeps the working client.
 * Internal service of this bundle, used by the caches, the reviewers and the health checks.
 */
@Component(service = ApiConnection.class, configurationPid = Pids.KUBE_CLIENT,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = KubeClientConfig.class)
public final class ApiConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConnection.class);
    static final long RECHECK_SECONDS = 10;
    /** {@link #error()} before the first attempt to load the kubeconfig. */
    static final String NOT_LOADED = "kubeconfig not loaded yet";

    private final AtomicReference<ApiClient> client = new AtomicReference<>();
    private final RequestCounter counter = new RequestCounter();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String userAgent = "kube-metrics-appliance/" + version();

    private volatile TlsMaterials tls;
    private volatile String error = NOT_LOADED;
    /** The last attempt found the kubeconfig fine but waits for the TlsMaterials service. */
    private volatile boolean waitingForService;
    /** The configured kubeconfig path, for messages (null when blank). */
    private volatile Path configuredPath;
    private ScheduledExecutorService executor;

    // Touched on the executor thread only.
    private Path path;
    private Object loadedFingerprint;
    private String lastLoggedError;
    private String waitingFor;

    @Activate
    void activate(KubeClientConfig config) {
        Path p = path(config);
        configuredPath = p;
        synchronized (this) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kma-kube-client-kubeconfig");
                t.setDaemon(true);
                return t;
            });
            executor.execute(() -> {
                path = p;
                reload(true);
            });
            executor.scheduleWithFixedDelay(() -> reload(false), RECHECK_SECONDS, RECHECK_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Modified
    void modified(KubeClientConfig config) {
        Path p = path(config);
        configuredPath = p;
        submit(() -> {
            path = p;
            reload(true);
        });
    }

    @Deactivate
    void deactivate() {
        ScheduledExecutorService e;
        synchronized (this) {
            e = executor;
            executor = null;
        }
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        ApiClient c = client.getAndSet(null);
        if (c != null) {
            c.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTls(TlsMaterials materials) {
        tls = materials;
        // A new tls bundle: build the SSL context with it (also fixes "TLS service not available").
        submit(() -> reload(true));
    }

    void unbindTls(TlsMaterials materials) {
        if (tls == materials) {
            tls = null;
        }
    }

    /** The current client, or null while no kubeconfig could be loaded. */
    ApiClient client() {
        return client.get();
    }

    /** Why there is no client (file and field), or null when there is one. */
    String error() {
        return client.get() != null ? null : error;
    }

    /**
     * Whether loading has come to a result: a client, or an error that is more than "not loaded yet" or
     * "waiting for the TlsMaterials service" (both of which resolve themselves in a moment at start-up).
     */
    boolean settled() {
        return client.get() != null || !NOT_LOADED.equals(error) && !waitingForService;
    }

    /** True while the kubeconfig could be used but the TlsMaterials service has not arrived. */
    boolean waitingForService() {
        return client.get() == null && waitingForService;
    }

    /** The configured kubeconfig path, or null when none is configured. */
    Path configuredPath() {
        return configuredPath;
    }

    RequestCounter counter() {
        return counter;
    }

    private synchronized void submit(Runnable r) {
        if (executor != null) {
            executor.execute(r);
        }
    }

    /** Null when the property is blank: reported as an error rather than reading the working directory. */
    private static Path path(KubeClientConfig config) {
        String s = config.kubeconfig();
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    /** Loads the kubeconfig when forced, when it changed on disk, or while it is broken. */
    private void reload(boolean force) {
        if (path == null) {
            String msg = "kubeconfig: no path configured (set kubeconfig in config.yaml)";
            error = msg;
            waitingForService = false;
            if (!msg.equals(lastLoggedError)) {
                lastLoggedError = msg;
                LOG.error(msg);
            }
            return;
        }
        Object fingerprint = fingerprint(path);
        if (!force && client.get() != null && Objects.equals(fingerprint, loadedFingerprint)) {
            return;
        }
        try {
            Kubeconfig kc = KubeconfigLoader.load(path);
            ApiClient fresh = new ApiClient(kc, ApiTls.socketStrategy(kc, tls), userAgent, counter, mapper);
            ApiClient old = client.getAndSet(fresh);
            loadedFingerprint = fingerprint;
            lastLoggedError = null;
            waitingFor = null;
            error = null;
            waitingForService = false;
            LOG.info("kube-apiserver {} from {} (context {}, {})", kc.server(), kc.path(), kc.context(), credentials(kc));
            if (kc.insecureSkipTlsVerify()) {
                LOG.warn("{}: insecure-skip-tls-verify is true: kube-apiserver's certificate is NOT verified", kc.path());
            }
            if (old != null) {
                // Let requests in flight on the old client finish; watches on it resume on the new one.
                ScheduledExecutorService e = executor;
                if (e != null) {
                    e.schedule(old::close, 30, TimeUnit.SECONDS);
                } else {
                    old.close();
                }
            }
        } catch (KubeconfigException | RuntimeException e) {
            String msg = e instanceof KubeconfigException ? e.getMessage() : path + ": " + e;
            boolean keeping = client.get() != null;
            if (!keeping) {
                error = msg;
                waitingForService = e instanceof KubeconfigException k && k.waitingForService();
            } else {
                // Do not retry a broken edit every few seconds; wait for the next change.
                loadedFingerprint = fingerprint;
            }
            if (e instanceof KubeconfigException k && k.waitingForService() && !msg.equals(waitingFor)) {
                // At start-up the tls bundle may simply not be active yet; its arrival triggers a reload.
                // Only an absence that outlasts the next periodic check is an error worth logging.
                waitingFor = msg;
                LOG.info("waiting for the TlsMaterials service (bundle io.kma.tls) to connect to kube-apiserver");
                return;
            }
            if (!msg.equals(lastLoggedError)) {
                lastLoggedError = msg;
                LOG.error("{}{}", msg, keeping ? " (keeping the previous kube-apiserver connection)" : "");
            }
        }
    }

    private static String credentials(Kubeconfig kc) {
        if (kc.clientCertificate() != null) {
            return "client certificate " + kc.clientCertificate().describe(kc.path());
        }
        if (kc.tokenFile() != null) {
            return "bearer token from " + kc.tokenFile();
        }
        return kc.token() != null ? "bearer token" : "no credentials";
    }

    private static Object fingerprint(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static String version() {
        Bundle b = FrameworkUtil.getBundle(ApiConnection.class);
        Version v = b == null ? Version.emptyVersion : b.getVersion();
        return v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
    }
}
