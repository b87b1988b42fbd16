package io.kma.api.config;

/**
 * Configuration PIDs fed by the config bundle from config.yaml. Every PID is always written with
 * every property (defaults included), so components use {@code ConfigurationPolicy.REQUIRE}.
 */
public final class Pids {

    public static final String HTTP_SERVER = "io.kma.http.server";
    public static final String KUBE_CLIENT = "io.kma.kube.client";
    public static final String SCRAPER = "io.kma.scraper";
    public static final String STORE = "io.kma.store";
    public static final String ADDRESS_PREFERRED = "io.kma.address.preferred";
    public static final String ADDRESS_HOSTS = "io.kma.address.hosts";
    public static final String KUBELET_AUTH_X509 = "io.kma.kubelet.auth.x509";
    public static final String KUBELET_AUTH_TOKEN = "io.kma.kubelet.auth.token";
    public static final String METRICS_API = "io.kma.metrics.api";
    /** Self-registration (config.yaml {@code registration.*}); since 1.1.0. */
    public static final String REGISTRATION = "io.kma.registration";

    private Pids() {
    }
}
