package io.kma.scraper.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.fasterxml.jackson.core.JsonFactory;

import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletCredentials;
import io.kma.api.kubelet.KubeletEndpoint;
import io.kma.api.store.NodeScrape;
import io.kma.shared.time.GoDurations;

/**
 * Scrapes one node: dials its candidate endpoints in order (the remembered working one first),
 * moving on to the next only when a connection cannot be established; falls back from
 * {@code /metrics/resource} to {@code /stats/summary} on 404; parses the body; and turns every
 * failure into one {@link ScrapeFailure} sentence.
 */
final class NodeScraper {

    static final String RESOURCE_PATH = "/metrics/resource";
    static final String SUMMARY_PATH = "/stats/summary";

    private final KubeletHttpClient http;
    private final ForeignPodFilter ownPods;
    private final EndpointMemory memory;
    private final Interner interner;
    private final JsonFactory json;
    private final long timeoutMillis;
    private final long maxBytes;
    /** Exchanges of this cycle still running, so the cycle can abort them at its deadline. */
    private final Set<CompletableFuture<KubeletResponse>> inFlight = ConcurrentHashMap.newKeySet();
    /** The containers of the last body parsed, any node: nodes are alike enough to size the next one's tables. */
    private volatile int containersHint = 16;

    NodeScraper(KubeletHttpClient http, EndpointMemory memory, Interner interner, JsonFactory json,
            long timeoutMillis, long maxBytes) {
        this(http, memory, interner, json, timeoutMillis, maxBytes, null);
    }

    /** @param ownPods drops pods the kubelet reports for another node; null keeps every pod */
    NodeScraper(KubeletHttpClient http, EndpointMemory memory, Interner interner, JsonFactory json,
            long timeoutMillis, long maxBytes, ForeignPodFilter ownPods) {
        this.ownPods = ownPods;
        this.http = http;
        this.memory = memory;
        this.interner = interner;
        this.json = json;
        this.timeoutMillis = timeoutMillis;
        this.maxBytes = maxBytes;
    }

    /** Never completes exceptionally: failures are in the {@link NodeResult}. */
    CompletableFuture<NodeResult> scrape(NodeInfo node, List<KubeletEndpoint> candidates, KubeletCredentials credentials) {
        long start = System.nanoTime();
        if (candidates.isEmpty()) {
            ScrapeFailure f = new ScrapeFailure(Outcome.CONNECT_ERROR, "(no address)",
                    "no address of the node qualifies for the configured address resolver", true);
            return CompletableFuture.completedFuture(new NodeResult(node.name(), null, f, f.url, 0, 0));
        }
        List<KubeletEndpoint> ordered = memory.order(node, candidates);
        int[] tried = {0};
        CompletableFuture<NodeResult> out = new CompletableFuture<>();
        attempt(node, ordered, 0, credentials, tried).whenComplete((ok, err) -> {
            long took = System.nanoTime() - start;
            if (err == null) {
                out.complete(new NodeResult(node.name(), ok.scrape, null, ok.url, tried[0], took));
            } else {
                ScrapeFailure f = (ScrapeFailure) unwrap(err);
                out.complete(new NodeResult(node.name(), null, f, f.url, tried[0], took));
            }
        });
        return out;
    }

    private record Success(NodeScrape scrape, String url) {
    }

    private CompletableFuture<Success> attempt(NodeInfo node, List<KubeletEndpoint> candidates, int i,
            KubeletCredentials credentials, int[] tried) {
        KubeletEndpoint endpoint = candidates.get(i);
        tried[0] = i + 1;
        String override = node.annotations().get(NodeInfo.RESOURCE_METRICS_PATH_ANNOTATION);
        boolean summary = override == null && memory.usesSummary(node.name(), System.currentTimeMillis());
        String path = summary ? SUMMARY_PATH : override != null ? override : RESOURCE_PATH;
        return fetch(node, endpoint, path, summary, override == null, credentials)
                .thenApply(s -> {
                    memory.worked(node, endpoint);
                    return s;
                })
                .exceptionallyCompose(err -> {
                    ScrapeFailure f = (ScrapeFailure) unwrap(err);
                    memory.failed(node, endpoint);
                    if (f.beforeRequest && i + 1 < candidates.size()) {
                        return attempt(node, candidates, i + 1, credentials, tried);
                    }
                    if (i > 0) {
                        f = new ScrapeFailure(f.outcome, f.url, f.getMessage() + " (all " + candidates.size()
                                + " candidate addresses failed: " + authorities(candidates) + ")", f.beforeRequest, f.getCause());
                    }
                    return CompletableFuture.failedFuture(f);
                });
    }

    private CompletableFuture<Success> fetch(NodeInfo node, KubeletEndpoint endpoint, String path, boolean summary,
            boolean mayFallBack, KubeletCredentials credentials) {
        String url = "https://" + endpoint.authority() + path;
        String token = credentials == null ? null : credentials.bearerToken().orElse(null);
        long requestTimeNanos = System.currentTimeMillis() * 1_000_000L;
        CompletableFuture<KubeletResponse> exchange;
        try {
            exchange = http.get(node, endpoint, path, token, maxBytes, timeoutMillis);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(classify(e, url, credentials));
        }
        inFlight.add(exchange);
        exchange.whenComplete((r, e) -> inFlight.remove(exchange));
        return exchange.handle((resp, err) -> {
            if (err != null) {
                throw new CompletionException(classify(unwrap(err), url, credentials));
            }
            try {
                if (resp.status() == 200) {
                    NodeScrapeAssembler assembler = assembler(node.name());
                    try {
                        if (summary) {
                            new SummaryParser(json, interner).parse(resp.body(), resp.length(), assembler);
                        } else {
                            new ResourceMetricsParser(interner).parse(resp.body(), resp.length(), requestTimeNanos, assembler);
                        }
                    } catch (MalformedMetricsException e) {
                        throw new CompletionException(new ScrapeFailure(Outcome.PARSE_ERROR, url,
                                "unparsable " + (summary ? "summary" : "metrics") + " response: " + e.getMessage(), false));
                    }
                    containersHint = assembler.containers();
                    NodeScrape scrape = assembler.build();
                    return CompletableFuture.completedFuture(new Success(ownPods == null ? scrape : ownPods.keepOwn(scrape), url));
                }
                if (resp.status() == 404 && !summary && mayFallBack) {
                    // kubelets older than 1.18 have no /metrics/resource; /stats/summary has the same numbers
                    memory.markSummary(node.name(), System.currentTimeMillis());
                    return fetch(node, endpoint, SUMMARY_PATH, true, false, credentials)
                            .exceptionallyCompose(e -> {
                                ScrapeFailure f = (ScrapeFailure) unwrap(e);
                                return CompletableFuture.<Success>failedFuture(new ScrapeFailure(f.outcome, f.url,
                                        f.getMessage() + " (after 404 Not Found on " + RESOURCE_PATH + ")", f.beforeRequest,
                                        f.getCause()));
                            });
                }
                throw new CompletionException(statusFailure(resp, url, credentials));
            } finally {
                http.giveBack(resp);
            }
        }).thenCompose(f -> f);
    }

    /**
     * The kubelet-io thread's assembler, reset per scrape: its tables were ~6 of the 28 KB that parsing and
     * assembling a 140-container node allocated. Bounded by {@link NodeScrapeAssembler#REUSABLE_CONTAINERS}; a
     * larger node gets a fresh one. The slot belongs to the HTTP client, whose I/O threads outlive this cycle.
     */
    private NodeScrapeAssembler assembler(String node) {
        ThreadLocal<NodeScrapeAssembler> assemblers = http.ioThreadAssemblers();
        NodeScrapeAssembler a = assemblers.get();
        if (a != null && a.reset(node)) {
            return a;
        }
        a = new NodeScrapeAssembler(node, containersHint);
        // a node above the bound is not kept (a reset of it would refuse anyway)
        assemblers.set(containersHint <= NodeScrapeAssembler.REUSABLE_CONTAINERS ? a : null);
        return a;
    }

    /** Aborts every exchange still running (the cycle's deadline passed); they fail as timeouts. */
    void abortAll() {
        for (CompletableFuture<KubeletResponse> f : inFlight) {
            f.cancel(false);
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    static ScrapeFailure statusFailure(KubeletResponse resp, String url, KubeletCredentials credentials) {
        String said = resp.bodyHint();
        String kubeletSaid = said.isEmpty() ? "" : " (kubelet said: " + said + ")";
        switch (resp.status()) {
            case 401:
                return new ScrapeFailure(Outcome.UNAUTHORIZED, url, "kubelet refused " + describe(credentials)
                        + ": 401 Unauthorized — " + authHint(credentials), false);
            case 403:
                return new ScrapeFailure(Outcome.FORBIDDEN, url, "403 Forbidden: kubelet authorization denied — "
                        + "the identity needs nodes/metrics get (RBAC)" + kubeletSaid, false);
            default:
                return new ScrapeFailure(Outcome.HTTP_ERROR, url, "unexpected HTTP status " + resp.status()
                        + (resp.reason() == null || resp.reason().isEmpty() ? "" : " " + resp.reason()) + kubeletSaid, false);
        }
    }

    private static String describe(KubeletCredentials c) {
        return c == null ? "the request (no kubelet credentials bound)" : c.describe();
    }

    private static String authHint(KubeletCredentials c) {
        if (c == null) {
            return "configure kubelet.auth";
        }
        boolean cert = c.keyManager().isPresent();
        boolean token = c.bearerToken().isPresent();
        if (cert && token) {
            return "check kubelet --client-ca-file and --authentication-token-webhook";
        }
        if (token) {
            return "check kubelet --authentication-token-webhook and that the token is valid";
        }
        return cert ? "check kubelet --client-ca-file" : "no client certificate or token is configured (kubelet.auth)";
    }

    ScrapeFailure classify(Throwable e, String url, KubeletCredentials credentials) {
        e = unwrap(e);
        if (e instanceof ScrapeFailure) {
            return (ScrapeFailure) e;
        }
        if (e instanceof TimeoutException) {
            return new ScrapeFailure(Outcome.TIMEOUT, url, "timeout after " + GoDurations.ofMillis(timeoutMillis), false, e);
        }
        if (e instanceof CancellationException) {
            return new ScrapeFailure(Outcome.TIMEOUT, url,
                    "timeout: aborted at the end of the scrape cycle (the cycle may not outlast the metric resolution)", false, e);
        }
        if (e instanceof ResponseTooLargeException) {
            return new ScrapeFailure(Outcome.TOO_LARGE, url, e.getMessage(), false, e);
        }
        if (e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            return new ScrapeFailure(Outcome.CONNECT_ERROR, url, "connect timeout after " + GoDurations.ofMillis(timeoutMillis), true, e);
        }
        if (e instanceof UnknownHostException) {
            return new ScrapeFailure(Outcome.CONNECT_ERROR, url, "cannot resolve host name: " + e.getMessage(), true, e);
        }
        if (e instanceof NoRouteToHostException) {
            return new ScrapeFailure(Outcome.CONNECT_ERROR, url, "no route to host", true, e);
        }
        if (e instanceof ConnectException) {
            String m = String.valueOf(e.getMessage());
            return new ScrapeFailure(Outcome.CONNECT_ERROR, url, m.toLowerCase().contains("refused")
                    ? "connection refused (is the kubelet listening on this address and port?)" : "cannot connect: " + m, true, e);
        }
        if (e instanceof SSLException) {
            return new ScrapeFailure(Outcome.TLS_ERROR, url, "TLS: " + tlsReason((SSLException) e, credentials), true, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new ScrapeFailure(Outcome.TIMEOUT, url, "timeout after " + GoDurations.ofMillis(timeoutMillis), false, e);
        }
        if (e instanceof SocketException || e instanceof org.apache.hc.core5.http.ConnectionClosedException) {
            return new ScrapeFailure(Outcome.CONNECT_ERROR, url, "connection reset or closed by the kubelet: "
                    + e.getMessage(), false, e);
        }
        if (e instanceof MalformedMetricsException) {
            return new ScrapeFailure(Outcome.PARSE_ERROR, url, "unparsable response: " + e.getMessage(), false, e);
        }
        return new ScrapeFailure(Outcome.HTTP_ERROR, url, e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), false, e);
    }

    private static String tlsReason(SSLException e, KubeletCredentials credentials) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NodeNameVerifier.NameMismatchException
                    || t instanceof KubeletTrustManager.UntrustedCertificateException
                    || t instanceof SSLPeerUnverifiedException) {
                return t.getMessage();
            }
        }
        String m = String.valueOf(e.getMessage());
        if (clientCertificateRejected(e)) {
            return "kubelet rejected " + describe(credentials) + " during the handshake (" + m
                    + ") — check kubelet --client-ca-file";
        }
        return "handshake failed: " + m;
    }

    /** The kubelet refused our client certificate (or its absence) in the handshake: its TLS alert says so. */
    static boolean clientCertificateRejected(SSLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca");
    }

    private static String authorities(List<KubeletEndpoint> candidates) {
        StringBuilder sb = new StringBuilder();
        for (KubeletEndpoint c : candidates) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.authority());
        }
        return sb.toString();
    }

    static Throwable unwrap(Throwable e) {
        return KubeletHttpClient.unwrap(e);
    }
}
