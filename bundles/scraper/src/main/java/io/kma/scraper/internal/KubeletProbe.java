package io.kma.scraper.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.ContainerSample;
import io.kma.shared.time.GoDurations;

/**
 * One node's chain for {@link KubeletDiagnosis}: each candidate address is resolved and connected to here, then
 * requested through the scraper's own {@link NodeScraper}, so a node passes exactly when scraping it would. A
 * failure is named by the {@link Step} that failed and comes with its fix.
 *
 * <p>One instance per doctor run, shared by the probe threads: like a scrape cycle, the run has one client, one
 * verifier and one scraper.
 */
final class KubeletProbe {

    /** The steps of one node's chain, in order; a later step means the probe got further. */
    enum Step {
        ADDRESS("address"),
        NAME_RESOLUTION("name resolution"),
        TCP("TCP connect"),
        TLS("TLS"),
        AUTHENTICATION("kubelet authentication"),
        AUTHORIZATION("kubelet authorization"),
        RESPONSE("response"),
        TIME_LIMIT("time limit");

        final String label;

        Step(String label) {
            this.label = label;
        }

        /** Failures at these steps make the scraper try the node's next candidate address. */
        boolean beforeRequest() {
            return this == NAME_RESOLUTION || this == TCP || this == TLS;
        }
    }

    /** One node's outcome: {@code step} and {@code fix} are null when it answered. */
    record NodeProbe(String node, String detail, Step step, String fix) {
        boolean ok() {
            return step == null;
        }
    }

    /** One candidate's chain: step null when the kubelet answered 200. */
    private record Attempt(KubeletEndpoint endpoint, String detail, Step step, String fix) {
        String endpointText() {
            return endpoint.authority() + " (" + endpoint.addressType() + ")";
        }
    }

    private final ScraperSettings settings;
    private final KubeletCredentials credentials;
    private final NodeScraper scraper;

    KubeletProbe(ScraperSettings settings, KubeletCredentials credentials, NodeScraper scraper) {
        this.settings = settings;
        this.credentials = credentials;
        this.scraper = scraper;
    }

    ScraperSettings settings() {
        return settings;
    }

    /** Ends the requests still running, so that probe threads past the doctor's time limit return. */
    void abortAll() {
        scraper.abortAll();
    }

    /** The node's chain, candidate by candidate as the scraper dials them. Runs on a probe thread. */
    NodeProbe probeNode(NodeInfo node, List<KubeletEndpoint> candidates, String resolverError)
            throws InterruptedException {
        if (resolverError != null) {
            return new NodeProbe(node.name(), "no address: the address resolver "
                    + resolverName() + " failed: " + resolverError, Step.ADDRESS,
                    "check kubelet.addressResolver and the address-" + resolverName()
                    + " bundle's configuration");
        }
        if (candidates.isEmpty()) {
            return new NodeProbe(node.name(), "no address: the address resolver "
                    + resolverName() + " gives no candidate (the node publishes "
                    + KubeletFixes.describeAddresses(node) + ")", Step.ADDRESS, KubeletFixes.noAddressFix(node));
        }
        List<Attempt> failures = new ArrayList<>();
        for (KubeletEndpoint endpoint : candidates) {
            Attempt a = probeEndpoint(node, endpoint);
            if (a.step() == null) {
                StringBuilder detail = new StringBuilder(a.detail());
                for (Attempt f : failures) {
                    detail.append("; before that ").append(f.endpointText()).append(": ").append(f.step().label)
                            .append(" failed");
                }
                return new NodeProbe(node.name(), detail.toString(), null, null);
            }
            failures.add(a);
            if (!a.step().beforeRequest()) {
                break;
            }
        }
        // the candidate that got furthest says most; the first of those when several got as far
        Attempt primary = failures.get(0);
        for (Attempt f : failures) {
            if (f.step().ordinal() > primary.step().ordinal()) {
                primary = f;
            }
        }
        StringBuilder detail = new StringBuilder(primary.detail());
        for (Attempt f : failures) {
            if (f != primary) {
                detail.append("; also ").append(f.endpointText()).append(": ").append(f.step().label).append(" failed");
            }
        }
        return new NodeProbe(node.name(), detail.toString(), primary.step(), primary.fix());
    }

    /** The resolver's strategy name, as the kubelet settings line shows it. */
    private String resolverName() {
        return KubeletDiagnosis.strategyName(settings.addressResolverTarget());
    }

    private Attempt probeEndpoint(NodeInfo node, KubeletEndpoint endpoint) throws InterruptedException {
        long timeout = settings.requestTimeoutMillis();
        String authority = endpoint.authority();
        StringBuilder chain = new StringBuilder(authority).append(" (").append(endpoint.addressType()).append(")");
        String host = endpoint.host();
        InetAddress address;
        try {
            // a literal is parsed, not looked up
            address = InetAddress.getByName(host);
            if (!NodeNameVerifier.isIpLiteral(host)) {
                chain.append(", ").append(host).append(" resolved to ").append(address.getHostAddress());
            }
        } catch (UnknownHostException e) {
            return new Attempt(endpoint, chain + ": name resolution failed: " + host + " does not resolve on this host",
                    Step.NAME_RESOLUTION, KubeletFixes.nameResolutionFix(host));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, endpoint.port()), (int) Math.min(Integer.MAX_VALUE, timeout));
        } catch (IOException e) {
            String why = e instanceof SocketTimeoutException ? "connect timeout after " + GoDurations.ofMillis(timeout)
                    : e instanceof NoRouteToHostException ? "no route to host"
                    : e instanceof ConnectException && String.valueOf(e.getMessage()).toLowerCase().contains("refused")
                            ? "connection refused"
                    : "cannot connect: " + e.getMessage();
            return new Attempt(endpoint, chain + ": TCP connect failed: " + why, Step.TCP,
                    KubeletFixes.tcpFix(endpoint));
        }
        chain.append(", connected");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        NodeResult r;
        try {
            // the scraper's own request: its client, trust, name verification, credentials and classification
            r = scraper.scrape(node, List.of(endpoint), credentials)
                    .get(2 * timeout + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return new Attempt(endpoint, chain + ": response failed: no answer within " + GoDurations.ofMillis(2 * timeout),
                    Step.RESPONSE, KubeletFixes.timeoutFix(timeout));
        }
        boolean verified = !settings.insecureSkipTLSVerify();
        if (r.failure() == null) {
            chain.append(verified ? ", certificate verified" : ", certificate NOT verified")
                    .append(", kubelet answered 200");
            if (r.url() != null && r.url().endsWith(NodeScraper.SUMMARY_PATH)) {
                chain.append(" on ").append(NodeScraper.SUMMARY_PATH);
            }
            int pods = pods(r);
            chain.append(" (").append(pods).append(pods == 1 ? " pod)" : " pods)");
            return new Attempt(endpoint, chain.toString(), null, null);
        }
        return classify(node, endpoint, chain, r.failure(), verified);
    }

    private Attempt classify(NodeInfo node, KubeletEndpoint endpoint, StringBuilder chain, ScrapeFailure f,
            boolean verified) {
        String message = f.getMessage();
        Throwable cause = f.getCause();
        String credential = credentials.describe();
        String afterTls = chain + (verified ? ", certificate verified" : ", certificate NOT verified");
        switch (f.outcome) {
            case TLS_ERROR: {
                String why = message.startsWith("TLS: ") ? message.substring(5) : message;
                String text = chain + ": TLS failed: " + why;
                if (causedBy(cause, KubeletTrustManager.UntrustedCertificateException.class)) {
                    return new Attempt(endpoint, text, Step.TLS, "the kubelet's serving certificate is not signed by "
                            + settings.certificateAuthority() + ": enable serverTLSBootstrap: true in the kubelet"
                            + " configuration and approve its CSRs (kubectl get csr; kubectl certificate approve <name>),"
                            + " or set kubelet.certificateAuthority to the CA that signs the kubelets' certificates; do not"
                            + " use kubelet.insecureSkipTLSVerify");
                }
                if (causedBy(cause, KubeletPins.PinMismatchException.class)) {
                    return new Attempt(endpoint, text, Step.TLS, "find out why the node's kubelet key changed (a"
                            + " regenerated /var/lib/kubelet/pki/kubelet.crt, or another host answering for the node); only"
                            + " if it was regenerated on purpose, remove the node's pin file as shown, and the service pins"
                            + " the new key at its next scrape");
                }
                if (causedBy(cause, NodeNameVerifier.NameMismatchException.class)) {
                    return new Attempt(endpoint, text, Step.TLS, "the certificate names neither " + endpoint.host()
                            + " nor the node name: reissue it with serverTLSBootstrap (the kubelet's CSR then carries the"
                            + " node's addresses and name)");
                }
                if (cause instanceof SSLException && NodeScraper.clientCertificateRejected((SSLException) cause)) {
                    return new Attempt(endpoint, text, Step.TLS, KubeletFixes.CLIENT_CA_FIX + credential);
                }
                return new Attempt(endpoint, text, Step.TLS, "check that " + endpoint.authority() + " is the kubelet's"
                        + " HTTPS port (kubelet.port, kubelet.useNodeStatusPort) and that it accepts TLS 1.2 or 1.3");
            }
            case CONNECT_ERROR:
                if (f.beforeRequest) {
                    boolean dns = cause instanceof UnknownHostException;
                    return new Attempt(endpoint, chain + ": " + (dns ? "name resolution" : "TCP connect") + " failed: "
                            + message, dns ? Step.NAME_RESOLUTION : Step.TCP,
                            dns ? KubeletFixes.nameResolutionFix(endpoint.host()) : KubeletFixes.tcpFix(endpoint));
                }
                if (credentials.keyManager().isPresent()) {
                    // TLS 1.3: a kubelet refusing the client certificate closes the connection after the handshake
                    return new Attempt(endpoint, afterTls + ": TLS failed: the kubelet closed the connection without"
                            + " answering, as it does when it refuses the client certificate (" + message + ")", Step.TLS,
                            KubeletFixes.CLIENT_CA_FIX + credential + " (the kubelet then logs \"TLS handshake error"
                            + " ... failed to verify certificate\"; if it does not, check that " + endpoint.authority()
                            + " is the kubelet's port, kubelet.port)");
                }
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check the kubelet's log and that " + endpoint.authority() + " is the kubelet's port"
                        + " (kubelet.port, kubelet.useNodeStatusPort)");
            case UNAUTHORIZED:
                return new Attempt(endpoint, afterTls + ": kubelet authentication failed: " + message,
                        Step.AUTHENTICATION, KubeletFixes.authenticationFix(credentials));
            case FORBIDDEN:
                return new Attempt(endpoint, afterTls + ": kubelet authorization failed: " + message,
                        Step.AUTHORIZATION, KubeletFixes.RBAC_FIX);
            case TIMEOUT:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        KubeletFixes.timeoutFix(settings.requestTimeoutMillis()));
            case TOO_LARGE:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "raise kubelet.maxResponseBytes (the node runs more containers than it allows)");
            case PARSE_ERROR:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check that " + endpoint.authority() + " is the kubelet (kubelet.port, kubelet.useNodeStatusPort)"
                        + pathHint(node));
            default:
                return new Attempt(endpoint, afterTls + ": response failed: " + message, Step.RESPONSE,
                        "check the kubelet's log for GET " + NodeScraper.RESOURCE_PATH + " and that " + endpoint.authority()
                        + " is the kubelet (kubelet.port, kubelet.useNodeStatusPort)" + pathHint(node));
        }
    }

    private static String pathHint(NodeInfo node) {
        String override = node.annotations().get(NodeInfo.RESOURCE_METRICS_PATH_ANNOTATION);
        return override == null ? "" : "; the node's annotation " + NodeInfo.RESOURCE_METRICS_PATH_ANNOTATION + " sets the"
                + " path " + override;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static int pods(NodeResult r) {
        Set<String> pods = new HashSet<>();
        for (ContainerSample c : r.scrape().containers()) {
            pods.add(c.namespace() + '/' + c.pod());
        }
        return pods.size();
    }
}
