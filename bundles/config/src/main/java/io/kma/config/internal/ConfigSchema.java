package io.kma.config.internal;

import static io.kma.config.internal.KeyType.BOOLEAN;
import static io.kma.config.internal.KeyType.DURATION;
import static io.kma.config.internal.KeyType.ENUM;
import static io.kma.config.internal.KeyType.IP_ADDRESS;
import static io.kma.config.internal.KeyType.PORT;
import static io.kma.config.internal.KeyType.POSITIVE_INT;
import static io.kma.config.internal.KeyType.SIZE;
import static io.kma.config.internal.KeyType.STRING;
import static io.kma.config.internal.KeyType.STRING_LIST;
import static io.kma.config.internal.KeyType.STRING_MAP;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.kma.api.config.Pids;
import io.kma.shared.net.IpAddresses;

/**
 * Every key of the documented config.yaml (config/config.yaml in the source tree): its type, default, the rules
 * beyond its type, the ConfigAdmin PID properties it becomes (the table in docs/DEVELOPING.md), and the rules that
 * involve more than one key. {@link ConfigParser} walks the YAML and applies them.
 */
final class ConfigSchema {

    static final Set<String> SECTIONS = Set.of("server", "kubelet", "authentication", "authorization", "registration");

    static final List<String> ADDRESS_TYPES = List.of("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP");

    /**
     * kube-apiserver's aggregator picks an endpoint per request from its Endpoints informer, which a watch updates
     * within about a second of the write; 10 s also covers a loaded kube-apiserver and requests already routed here
     * (README, "Graceful hand-over").
     */
    static final long DEFAULT_SHUTDOWN_DELAY_MILLIS = 10_000L;

    /** Upstream requires 10s; this appliance allows faster scraping for small clusters and labs. */
    static final long MIN_RESOLUTION_MILLIS = 5_000L;

    /** The PIDs written, in the order they are written. */
    static final List<String> PIDS = List.of(Pids.HTTP_SERVER, Pids.KUBE_CLIENT, Pids.SCRAPER, Pids.STORE,
            Pids.ADDRESS_PREFERRED, Pids.ADDRESS_HOSTS, Pids.KUBELET_AUTH_X509, Pids.KUBELET_AUTH_TOKEN, Pids.METRICS_API,
            Pids.REGISTRATION);

    private static final UnaryOperator<Object> STRATEGY_FILTER = v -> PidMapping.strategyFilter((String) v);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** The keys in the documented file's order. */
    static final List<Key> ORDERED = List.of(
            new Key("kubeconfig", STRING, "/etc/kube-metrics-appliance/identity/kubeconfig",
                    "the appliance's identity for kube-apiserver (and kubelets with kubelet.auth: kubeconfig)")
                    .to(Pids.KUBE_CLIENT, "kubeconfig"),
            new Key("metricResolution", DURATION, 15_000L, "how often every kubelet is scraped (minimum 5s)")
                    .to(Pids.SCRAPER, "resolutionMillis").to(Pids.STORE, "resolutionMillis")
                    .to(Pids.METRICS_API, "resolutionMillis"),
            new Key("nodeSelector", STRING, "", "label selector of the nodes scraped and served; empty: all")
                    .to(Pids.SCRAPER, "nodeSelector").to(Pids.METRICS_API, "nodeSelector"),

            new Key("server.bindAddress", IP_ADDRESS, "0.0.0.0", "address the HTTPS listener binds")
                    .to(Pids.HTTP_SERVER, "bindAddress"),
            new Key("server.securePort", PORT, 4443, "HTTPS port").to(Pids.HTTP_SERVER, "securePort"),
            new Key("server.tlsCertFile", STRING, "", "serving certificate; empty (with the key): self-signed in certDir")
                    .to(Pids.HTTP_SERVER, "tlsCertFile"),
            new Key("server.tlsPrivateKeyFile", STRING, "", "serving certificate's private key")
                    .to(Pids.HTTP_SERVER, "tlsPrivateKeyFile"),
            new Key("server.certDir", STRING, "/var/lib/kube-metrics-appliance/certs", "where the self-signed pair is kept")
                    .to(Pids.HTTP_SERVER, "certDir"),
            new Key("server.tlsMinVersion", ENUM, "VersionTLS12", "lowest TLS version accepted")
                    .choices("VersionTLS12", "VersionTLS13").to(Pids.HTTP_SERVER, "tlsMinVersion"),
            // Overload and hostile-caller bounds (issue 10).
            new Key("server.maxRequestsInflight", POSITIVE_INT, 400, "requests served at once; more get 429")
                    .to(Pids.HTTP_SERVER, "maxRequestsInflight"),
            new Key("server.requestTimeout", DURATION, 60_000L, "a request not answered within it gets 504")
                    .to(Pids.HTTP_SERVER, "requestTimeoutMillis"),
            new Key("server.maxConnections", POSITIVE_INT, 2000, "open connections; more are closed when accepted")
                    .to(Pids.HTTP_SERVER, "maxConnections"),
            new Key("server.maxConnectionsPerClient", POSITIVE_INT, 200, "open connections from one client address")
                    .to(Pids.HTTP_SERVER, "maxConnectionsPerClient"),
            // Graceful hand-over (issue 12): readyz fails and the address leaves the Endpoints, then this long serving.
            new Key("server.shutdownDelay", DURATION, DEFAULT_SHUTDOWN_DELAY_MILLIS,
                    "serving time after SIGTERM once this host left the Endpoints")
                    .to(Pids.HTTP_SERVER, "shutdownDelayMillis"),

            new Key("kubelet.port", PORT, 10250, "kubelet port when the node status names none")
                    .to(Pids.ADDRESS_PREFERRED, "port").to(Pids.ADDRESS_HOSTS, "port"),
            new Key("kubelet.useNodeStatusPort", BOOLEAN, true, "use the port in the node's status")
                    .to(Pids.ADDRESS_PREFERRED, "useNodeStatusPort").to(Pids.ADDRESS_HOSTS, "useNodeStatusPort"),
            new Key("kubelet.preferredAddressTypes", STRING_LIST, ADDRESS_TYPES, "node address types, first found wins")
                    .items(t -> ADDRESS_TYPES.contains(t) ? null
                            : "\"" + t + "\" is not an address type (one of " + String.join(", ", ADDRESS_TYPES) + ")")
                    .nonEmpty("must name at least one address type")
                    .to(Pids.ADDRESS_PREFERRED, "preferredAddressTypes"),
            new Key("kubelet.requestTimeout", DURATION, 10_000L, "one scrape's time limit (at most 9/10 of metricResolution)")
                    .to(Pids.SCRAPER, "requestTimeoutMillis"),
            new Key("kubelet.maxConcurrentScrapes", POSITIVE_INT, 256, "cap on scrapes in flight")
                    .to(Pids.SCRAPER, "maxConcurrentScrapes"),
            new Key("kubelet.maxResponseBytes", SIZE, 16L << 20, "largest kubelet response read")
                    .to(Pids.SCRAPER, "maxResponseBytes"),
            new Key("kubelet.certificateAuthority", STRING, "/etc/kubernetes/pki/ca.crt", "CA of kubelet serving certificates")
                    .to(Pids.SCRAPER, "certificateAuthority"),
            new Key("kubelet.insecureSkipTLSVerify", BOOLEAN, false, "labs only: kubelet certificates not verified")
                    .to(Pids.SCRAPER, "insecureSkipTLSVerify"),
            new Key("kubelet.tlsVerification", ENUM, "caOrPin", "caOrPin: self-signed kubelet certificates pinned on first contact")
                    .choices("caOrPin", "ca").to(Pids.SCRAPER, "tlsVerification"),
            new Key("kubelet.pinDirectory", STRING, "/var/lib/kube-metrics-appliance/kubelet-pins", "where pinned keys are kept")
                    .to(Pids.SCRAPER, "pinDirectory"),
            new Key("kubelet.addressResolver", ENUM, "preferred", "how a node's kubelet address is found")
                    .choices("preferred", "hosts").to(Pids.SCRAPER, "addressResolver.target", STRATEGY_FILTER),
            new Key("kubelet.hosts", STRING_MAP, Map.of(), "with addressResolver: hosts, node name to address")
                    .to(Pids.ADDRESS_HOSTS, "hosts"),
            new Key("kubelet.auth", ENUM, "kubeconfig", "the credential presented to kubelets")
                    .choices("kubeconfig", "x509", "token").to(Pids.SCRAPER, "credentials.target", STRATEGY_FILTER),
            new Key("kubelet.clientCertificate", STRING, "", "with auth: x509").to(Pids.KUBELET_AUTH_X509, "clientCertificate"),
            new Key("kubelet.clientKey", STRING, "", "with auth: x509").to(Pids.KUBELET_AUTH_X509, "clientKey"),
            new Key("kubelet.tokenFile", STRING, "", "with auth: token").to(Pids.KUBELET_AUTH_TOKEN, "tokenFile"),

            new Key("authentication.requestheaderClientCAFile", STRING, "/etc/kubernetes/pki/front-proxy-ca.crt",
                    "front-proxy CA; empty: from the extension-apiserver-authentication ConfigMap")
                    .to(Pids.METRICS_API, "requestheaderClientCAFile"),
            new Key("authentication.requestheaderAllowedNames", STRING_LIST, List.of("front-proxy-client"),
                    "CNs the front proxy may present; empty: any").to(Pids.METRICS_API, "requestheaderAllowedNames"),
            new Key("authentication.requestheaderUsernameHeaders", STRING_LIST, List.of("X-Remote-User"), "user name headers")
                    .to(Pids.METRICS_API, "requestheaderUsernameHeaders"),
            new Key("authentication.requestheaderGroupHeaders", STRING_LIST, List.of("X-Remote-Group"), "group headers")
                    .to(Pids.METRICS_API, "requestheaderGroupHeaders"),
            new Key("authentication.requestheaderExtraHeadersPrefix", STRING_LIST, List.of("X-Remote-Extra-"),
                    "extra attribute header prefixes").to(Pids.METRICS_API, "requestheaderExtraHeadersPrefix"),
            new Key("authentication.tokenCacheTTL", DURATION, 10_000L, "how long a TokenReview answer is reused")
                    .to(Pids.METRICS_API, "tokenCacheTTLMillis"),

            new Key("authorization.mode", ENUM, "Webhook", "Webhook (SubjectAccessReview) or AlwaysAllow (labs only)")
                    .choices("Webhook", "AlwaysAllow").to(Pids.METRICS_API, "authorizationMode"),
            new Key("authorization.cacheAuthorizedTTL", DURATION, 10_000L, "how long an allow is reused")
                    .to(Pids.METRICS_API, "cacheAuthorizedTTLMillis"),
            new Key("authorization.cacheUnauthorizedTTL", DURATION, 10_000L, "how long a deny is reused")
                    .to(Pids.METRICS_API, "cacheUnauthorizedTTLMillis"),
            new Key("authorization.alwaysAllowPaths", STRING_LIST, List.of("/healthz", "/readyz", "/livez"),
                    "paths served to any authenticated caller")
                    .items(t -> t.startsWith("/") ? null : "\"" + t + "\" is not a path (it must start with /)")
                    .to(Pids.METRICS_API, "alwaysAllowPaths"),

            // Self-registration in the Service's Endpoints/EndpointSlice with a Lease per host (issue 12).
            new Key("registration.enabled", BOOLEAN, true, "register this host in the Service's Endpoints")
                    .to(Pids.REGISTRATION, "enabled"),
            new Key("registration.advertiseAddress", STRING, "", "the address kube-apiserver dials; empty: the route's")
                    .to(Pids.REGISTRATION, "advertiseAddress"),
            new Key("registration.service", STRING, "kube-system/metrics-server", "NAMESPACE/NAME of the APIService's Service")
                    .to(Pids.REGISTRATION, "service"),
            new Key("registration.leaseNamespace", STRING, "kube-system", "namespace of the hosts' Leases")
                    .to(Pids.REGISTRATION, "leaseNamespace"),
            new Key("registration.leaseDurationSeconds", POSITIVE_INT, 30, "a peer not renewed this long is removed")
                    .to(Pids.REGISTRATION, "leaseDurationSeconds"),
            new Key("registration.renewIntervalSeconds", POSITIVE_INT, 10, "how often this host renews its Lease")
                    .to(Pids.REGISTRATION, "renewIntervalSeconds"),
            new Key("registration.allowLoopback", BOOLEAN, false, "tests only: accept a loopback advertiseAddress")
                    .to(Pids.REGISTRATION, "allowLoopback"));

    static final Map<String, Key> KEYS = keys(ORDERED);

    /** What the cross-key rules read: the merged values (file, then flags) and where each came from. */
    interface Merged {

        Object value(String path);

        /** How an error names the key: {@code file:line: key: }, or {@code --flag: } when a flag set it. */
        String at(String path);

        boolean fromFlag(String path);

        boolean inFile(String path);
    }

    private ConfigSchema() {
    }

    private static Map<String, Key> keys(List<Key> keys) {
        Map<String, Key> map = new LinkedHashMap<>();
        for (Key key : keys) {
            map.put(key.path(), key);
        }
        return Map.copyOf(map);
    }

    static Map<String, Object> defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        KEYS.forEach((path, key) -> values.put(path, key.defaultValue()));
        return values;
    }

    /** Rules that involve more than one key; upstream metrics-server applies the same timeout rule. */
    static List<String> crossKeyProblems(Merged m) {
        List<String> errors = new ArrayList<>();
        long resolution = (Long) m.value("metricResolution");
        long timeout = (Long) m.value("kubelet.requestTimeout");
        if (resolution < MIN_RESOLUTION_MILLIS) {
            errors.add(m.at("metricResolution") + GoDuration.format(resolution) + " is below the minimum of "
                    + GoDuration.format(MIN_RESOLUTION_MILLIS));
        } else if (timeout <= 0) {
            errors.add(m.at("kubelet.requestTimeout") + "must be positive");
        } else if (timeout * 10 > resolution * 9) {
            boolean timeoutNamed = m.fromFlag("kubelet.requestTimeout")
                    || !m.fromFlag("metricResolution") && m.inFile("kubelet.requestTimeout");
            String where = timeoutNamed ? "kubelet.requestTimeout" : "metricResolution";
            errors.add(m.at(where) + "kubelet.requestTimeout " + GoDuration.format(timeout)
                    + " must be at most 9/10 of metricResolution " + GoDuration.format(resolution)
                    + " (" + GoDuration.format(resolution * 9 / 10) + ")");
        }
        boolean cert = !((String) m.value("server.tlsCertFile")).isEmpty();
        boolean key = !((String) m.value("server.tlsPrivateKeyFile")).isEmpty();
        if (cert != key) {
            String missing = cert ? "server.tlsPrivateKeyFile" : "server.tlsCertFile";
            errors.add(m.at(cert ? "server.tlsCertFile" : "server.tlsPrivateKeyFile") + missing
                    + " must be set too (both or neither; neither = self-signed certificate in server.certDir)");
        }
        registrationProblems(m, errors);
        // Upstream metrics-server's own flag checks (options/kubelet_client.go), for the flags given together.
        if (m.fromFlag("kubelet.certificateAuthority") && m.fromFlag("kubelet.insecureSkipTLSVerify")
                && Boolean.TRUE.equals(m.value("kubelet.insecureSkipTLSVerify"))) {
            errors.add("cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls");
        }
        if (m.fromFlag("kubelet.clientCertificate") != m.fromFlag("kubelet.clientKey")) {
            errors.add("need both --kubelet-client-key and --kubelet-client-certificate");
        }
        if ("x509".equals(m.value("kubelet.auth")) && (((String) m.value("kubelet.clientCertificate")).isEmpty()
                || ((String) m.value("kubelet.clientKey")).isEmpty())) {
            errors.add(m.at("kubelet.auth") + "kubelet.clientCertificate and kubelet.clientKey must be set when kubelet.auth is x509");
        }
        if ("token".equals(m.value("kubelet.auth")) && ((String) m.value("kubelet.tokenFile")).isEmpty()) {
            errors.add(m.at("kubelet.auth") + "kubelet.tokenFile must be set when kubelet.auth is token");
        }
        String pins = (String) m.value("kubelet.pinDirectory");
        if ("caOrPin".equals(m.value("kubelet.tlsVerification")) && !pins.startsWith("/")) {
            errors.add(m.at("kubelet.pinDirectory") + (pins.isEmpty() ? "must be set" : "\"" + pins + "\" must be an absolute path")
                    + " when kubelet.tlsVerification is caOrPin (self-signed kubelet certificates are pinned there)");
        }
        if ("hosts".equals(m.value("kubelet.addressResolver")) && ((Map<?, ?>) m.value("kubelet.hosts")).isEmpty()) {
            errors.add(m.at("kubelet.addressResolver") + "kubelet.hosts must list the nodes when kubelet.addressResolver is hosts");
        }
        return errors;
    }

    /** registration.*: the address must be usable in Endpoints, the names Kubernetes names, renewal inside the lease. */
    private static void registrationProblems(Merged m, List<String> errors) {
        String address = (String) m.value("registration.advertiseAddress");
        if (!address.isEmpty()) {
            String refused;
            if (!IpAddresses.looksLikeIp(address)) {
                errors.add(m.at("registration.advertiseAddress") + "\"" + address + "\" is not an IP address (example: 192.0.2.10)");
            } else if (!Boolean.TRUE.equals(m.value("registration.allowLoopback"))
                    && (refused = IpAddresses.endpointsRefusal(address)) != null) {
                errors.add(m.at("registration.advertiseAddress") + address + " is " + refused
                        + ", which kube-apiserver refuses in Endpoints; give this host's address that kube-apiserver reaches");
            }
        }
        String service = (String) m.value("registration.service");
        String[] ref = service.split("/", -1);
        if (ref.length != 2 || !DNS_LABEL.matcher(ref[0]).matches() || !DNS_LABEL.matcher(ref[1]).matches()) {
            errors.add(m.at("registration.service") + "\"" + service + "\" must be NAMESPACE/NAME of the Service the APIService names "
                    + "(example: kube-system/metrics-server)");
        }
        String leaseNamespace = (String) m.value("registration.leaseNamespace");
        if (!DNS_LABEL.matcher(leaseNamespace).matches()) {
            errors.add(m.at("registration.leaseNamespace") + "\"" + leaseNamespace + "\" is not a namespace name");
        }
        int duration = (Integer) m.value("registration.leaseDurationSeconds");
        int renew = (Integer) m.value("registration.renewIntervalSeconds");
        if (renew >= duration) {
            errors.add(m.at("registration.renewIntervalSeconds") + renew + " must be less than registration.leaseDurationSeconds "
                    + duration + " (a Lease must be renewed before it expires; kube-apiserver uses 10 and 15)");
        }
    }
}
