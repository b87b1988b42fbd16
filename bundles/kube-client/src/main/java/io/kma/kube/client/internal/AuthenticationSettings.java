package io.kma.kube.client.internal;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.auth.AuthenticationSettingsSource;
import io.kma.api.auth.RequestHeaderSettings;

/**
 * The request-header settings kube-apiserver publishes in {@code kube-system/extension-apiserver-authentication},
 * read every 60 s (every 5 s until the first success). The last good settings are kept through errors.
 */
@Component(service = AuthenticationSettingsSource.class, immediate = true)
public final class AuthenticationSettings implements AuthenticationSettingsSource {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationSettings.class);

    @Reference
    ApiConnection connection;

    private volatile Optional<RequestHeaderSettings> settings = Optional.empty();
    private volatile long lastSuccessNanos;
    private boolean readOnce;
    private String lastLoggedError;
    private ScheduledExecutorService executor;
    private long refreshNanos = TimeUnit.SECONDS.toNanos(60);

    @Activate
    void activate() {
        start(5_000, 60_000);
    }

    void start(long retryMillis, long refreshMillis) {
        refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMillis);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kma-kube-client-authentication-configmap");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::refreshIfDue, 0, retryMillis, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<RequestHeaderSettings> requestHeaderSettings() {
        return settings;
    }

    private void refreshIfDue() {
        if (readOnce && System.nanoTime() - lastSuccessNanos < refreshNanos) {
            return;
        }
        ApiClient client = connection.client();
        if (client == null) {
            return;
        }
        try {
            Optional<RequestHeaderSettings> fresh = AuthenticationConfigMap.read(client);
            if (!readOnce || !fresh.equals(settings)) {
                if (fresh.isPresent()) {
                    RequestHeaderSettings s = fresh.get();
                    LOG.info("request-header authentication from ConfigMap kube-system/extension-apiserver-authentication:"
                            + " allowed names {}, username headers {}, group headers {}, extra prefixes {}",
                            s.allowedNames(), s.usernameHeaders(), s.groupHeaders(), s.extraHeaderPrefixes());
                } else {
                    LOG.warn("ConfigMap kube-system/extension-apiserver-authentication has no requestheader-client-ca-file:"
                            + " kube-apiserver runs without --requestheader-client-ca-file, front-proxy requests cannot be authenticated");
                }
            }
            settings = fresh;
            readOnce = true;
            lastSuccessNanos = System.nanoTime();
            lastLoggedError = null;
        } catch (IOException | RuntimeException e) {
            String msg = "reading ConfigMap kube-system/extension-apiserver-authentication failed: " + e.getMessage();
            if (e instanceof ApiException a && a.code() == 403) {
                msg += " (grant Role kube-system/extension-apiserver-authentication-reader to the appliance's user)";
            }
            if (!msg.equals(lastLoggedError)) {
                lastLoggedError = msg;
                LOG.warn("{}{}", msg, settings.isPresent() ? "; keeping the last settings read" : "");
            }
        }
    }
}
