package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonGenerator;

import io.kma.api.cluster.ClusterView;
import io.kma.api.metrics.MetricsSource;
import io.kma.api.store.MetricsStore;
import io.kma.shared.metrics.Histogram;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * Serves /apis, /openapi, /version and /metrics: strips and evaluates request-header credentials,
 * authenticates, authorizes, then answers. Runs blocking on a worker thread so large lists stream
 * straight into the response. Holds only caches; a new instance (bundle update, new configuration)
 * starts empty and answers the same.
 */
final class MetricsApiHandler implements HttpHandler {

    /** The 503 message until the store has served usage (no complete scrape yet). */
    static final String NOT_READY = "no metrics yet: the first scrape of the kubelets has not completed "
            + "(waiting for kube-apiserver's node list or for the kubelets; /readyz?verbose says which); retry shortly";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsApiHandler.class);
    private static final String VERSION_PATH = "/apis/" + MetricsWriter.GROUP_VERSION;

    private final Collaborators services;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final ResourceResponder resources;
    private final SelfMetrics selfMetrics;
    private final OpenApiDocuments openApi;
    private final byte[] versionInfo;
    private final Generators generators = new Generators();
    private final FailureLog failures;

    /**
     * @param epochNanos wall clock for creationTimestamp and freshness
     * @param nanoClock  monotonic clock for cache expiry
     */
    MetricsApiHandler(ApiSettings settings, Collaborators services, Histogram freshness, String version,
            LongSupplier epochNanos, LongSupplier nanoClock) {
        this.services = services;
        this.authenticator = new Authenticator(settings, services, nanoClock);
        this.authorizer = new Authorizer(settings, services, nanoClock);
        this.resources = new ResourceResponder(settings, generators, freshness, epochNanos);
        this.selfMetrics = new SelfMetrics(freshness);
        this.openApi = new OpenApiDocuments(shortVersion(version));
        this.versionInfo = VersionInfo.json(version);
        this.failures = new FailureLog(LoggerFactory.getLogger(Authenticator.class), 60_000, nanoClock);
    }

    Authenticator authenticator() {
        return authenticator;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            // Reviews and large lists block: leave the I/O thread. A plain task, as the http-server's routes
            // dispatch, runs outside Undertow's handler call, where a large body's ChunkSender can resume writes.
            exchange.dispatch(() -> serveBlocking(exchange));
            return;
        }
        serveBlocking(exchange);
    }

    private void serveBlocking(HttpServerExchange exchange) {
        exchange.startBlocking();
        try {
            serve(exchange);
        } catch (IOException e) {
            // The client went away mid-answer; nothing to tell it.
            LOG.debug("response to {} {} aborted: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.toString());
        } catch (RuntimeException e) {
            if (exchange.isComplete()) {
                // The http-server answered 504 meanwhile; this late write failed (upstream: post-timeout activity).
                LOG.debug("post-timeout activity on {}: {}", exchange.getRequestPath(), e.toString());
                return;
            }
            LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            // A gzip body may still sit in Undertow's buffer (response not started): a Status appended to it would be
            // plain bytes under Content-Encoding: gzip, so such a body ends truncated, like any body already started.
            if (!exchange.isResponseStarted() && !exchange.getResponseHeaders().contains(Headers.CONTENT_ENCODING)) {
                try {
                    sendStatus(exchange, Negotiation.JSON, ApiStatus.internalError(String.valueOf(e.getMessage())));
                } catch (IOException gone) {
                    LOG.debug("the 500 to {} was not sent: {}", exchange.getRequestPath(), gone.toString());
                }
            }
        } finally {
            exchange.endExchange();
        }
    }

    private void serve(HttpServerExchange exchange) throws IOException {
        Negotiation negotiation = Negotiation.of(exchange.getRequestHeaders().getFirst(Headers.ACCEPT));
        if (negotiation.yaml() && !generators.yamlAvailable()) {
            negotiation = new Negotiation(false, negotiation.table());
        }
        String path = exchange.getRequestPath();
        String method = exchange.getRequestMethod().toString();
        boolean watch = isTrue(param(exchange, "watch"));
        String fieldSelectorName = null;
        try {
            fieldSelectorName = FieldSelector.parse(param(exchange, "fieldSelector")).requiredName();
        } catch (IllegalArgumentException e) {
            // Answered as 400 after authorization, as the apiserver does.
        }
        RequestAttributes attrs = RequestAttributes.of(method, path, watch, fieldSelectorName);
        if (!admit(exchange, negotiation, attrs)) {
            return;
        }
        route(exchange, negotiation, attrs, path, watch);
    }

    /**
     * The http-server's {@link io.kma.api.http.AccessGate} for its health sub-paths: the same authentication
     * and authorization as any non-resource request here.
     */
    boolean admit(HttpServerExchange exchange) throws IOException {
        exchange.startBlocking();
        RequestAttributes attrs = RequestAttributes.of(exchange.getRequestMethod().toString(), exchange.getRequestPath(),
                false, null);
        return admit(exchange, Negotiation.of(exchange.getRequestHeaders().getFirst(Headers.ACCEPT)), attrs);
    }

    /** Authenticates and authorizes; answers 401, 403 or 500 (authorizer error, as kube-apiserver) when refused. */
    private boolean admit(HttpServerExchange exchange, Negotiation negotiation, RequestAttributes attrs) throws IOException {
        Authenticator.Result authn = authenticator.authenticate(exchange);
        if (authn.user() == null) {
            failures.warn(authn.category(), "Unable to authenticate the request from " + peer(exchange) + ": " + authn.failure());
            sendStatus(exchange, negotiation, ApiStatus.unauthorized());
            return false;
        }
        String path = attrs.path();
        Authorizer.Decision decision = authorizer.authorize(authn.user(), attrs);
        if (decision.allowed()) {
            return true;
        }
        String user = authn.user().name();
        if (decision.error() != null) {
            failures.warn("authorizer_error", "Failed to make webhook authorizer request for " + attrs.verb() + " "
                    + LogText.quote(path) + " (user " + LogText.quote(user) + "): " + decision.error());
            sendAuthorizerError(exchange, decision.error());
            return false;
        }
        failures.count("forbidden");
        String message = attrs.forbiddenMessage(user) + (decision.reason().isEmpty() ? "" : ": " + decision.reason());
        ApiStatus status = attrs.resourceRequest()
                ? ApiStatus.forbidden(attrs.group(), attrs.resource(), attrs.name(), message)
                : ApiStatus.forbidden("", "", "", message);
        sendStatus(exchange, negotiation, status);
        return false;
    }

    /**
     * kube-apiserver's answer when the authorizer fails (not a denial): 500 plain text written by Go's
     * {@code http.Error}, {@code Internal Server Error: "<RequestURI>": <error>} with {@code &<>} escaped.
     */
    private static void sendAuthorizerError(HttpServerExchange exchange, String error) throws IOException {
        String uri = exchange.getRequestURI() + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString());
        String body = "Internal Server Error: " + goQuote(uri) + ": " + htmlEscape(error) + "\n";
        exchange.setStatusCode(500);
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        sendBytes(exchange, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String goQuote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void route(HttpServerExchange exchange, Negotiation negotiation, RequestAttributes attrs, String path,
            boolean watch) throws IOException {
        boolean get = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
        if (attrs.resourceRequest()) {
            if (!attrs.group().equals(MetricsWriter.GROUP) || !attrs.version().equals("v1beta1") || !resources.serves(attrs)) {
                sendNotFoundPage(exchange);
                return;
            }
            if (!get) {
                sendStatus(exchange, negotiation, ApiStatus.methodNotAllowed());
                return;
            }
            if (watch) {
                sendStatus(exchange, negotiation, ApiStatus.methodNotSupported(MetricsWriter.GROUP, attrs.resource(), "watch"));
                return;
            }
            ClusterView cluster = services.cluster();
            MetricsStore store = services.store();
            if (cluster == null || store == null) {
                sendStatus(exchange, negotiation, ApiStatus.serviceUnavailable(
                        "the metrics " + (store == null ? "store" : "cluster view") + " is not available right now"));
                return;
            }
            if (!store.ready()) {
                // The endpoint serves from boot (systemd READY), before kube-apiserver and the kubelets answer.
                sendStatus(exchange, negotiation, ApiStatus.serviceUnavailable(NOT_READY));
                return;
            }
            resources.respond(exchange, negotiation, attrs, cluster, store);
            return;
        }
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean known = true;
        switch (p) {
            case "/apis": case "/apis/" + MetricsWriter.GROUP: case VERSION_PATH:
            case "/openapi/v2": case "/openapi/v3": case "/openapi/v3/" + OpenApiDocuments.V3_GROUP_PATH:
            case "/version": case "/metrics":
                break;
            default:
                known = false;
        }
        if (!known) {
            sendNotFoundPage(exchange);
            return;
        }
        if (!get) {
            sendStatus(exchange, negotiation, ApiStatus.methodNotAllowed());
            return;
        }
        switch (p) {
            case "/apis":
                sendDocument(exchange, negotiation, g -> Discovery.writeGroupList(g, serverAddress(exchange)));
                break;
            case "/apis/" + MetricsWriter.GROUP:
                sendDocument(exchange, negotiation, Discovery::writeGroup);
                break;
            case VERSION_PATH:
                sendDocument(exchange, negotiation, Discovery::writeResourceList);
                break;
            case "/openapi/v2":
                sendTagged(exchange, openApi.v2Hash(), openApi.v2());
                break;
            case "/openapi/v3":
                sendBytes(exchange, Negotiation.JSON_TYPE, openApi.v3Index());
                break;
            case "/openapi/v3/" + OpenApiDocuments.V3_GROUP_PATH:
                sendTagged(exchange, openApi.v3Hash(), openApi.v3());
                break;
            case "/version":
                sendBytes(exchange, Negotiation.JSON_TYPE, versionInfo);
                break;
            case "/metrics":
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, SelfMetrics.CONTENT_TYPE);
                try (Writer w = new OutputStreamWriter(exchange.getOutputStream(), StandardCharsets.UTF_8)) {
                    List<MetricsSource> sources = new ArrayList<>(services.metricsSources());
                    sources.add(failures);
                    selfMetrics.write(w, sources);
                }
                break;
            default:
                sendNotFoundPage(exchange);
        }
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private void sendDocument(HttpServerExchange exchange, Negotiation n, Body body) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, n.yaml() ? Negotiation.YAML_TYPE : Negotiation.JSON_TYPE);
        OutputStream out = exchange.getOutputStream();
        try (JsonGenerator g = generators.create(out, n.yaml())) {
            body.write(g);
            Generators.finish(g, n.yaml());
        }
    }

    void sendStatus(HttpServerExchange exchange, Negotiation n, ApiStatus status) throws IOException {
        exchange.setStatusCode(status.code());
        sendDocument(exchange, n, status::write);
    }

    private static void sendBytes(HttpServerExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
    }

    /** A fixed document with an ETag; a matching If-None-Match gets 304, as kube-apiserver's OpenAPI handlers. */
    private static void sendTagged(HttpServerExchange exchange, String hash, byte[] body) throws IOException {
        String etag = "\"" + hash + "\"";
        exchange.getResponseHeaders().put(Headers.ETAG, etag);
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals(hash))) {
            exchange.setStatusCode(304);
            return;
        }
        sendBytes(exchange, Negotiation.JSON_TYPE, body);
    }

    /** Paths nothing serves get Go's plain NotFound, as kube-apiserver's final handler writes it. */
    private static void sendNotFoundPage(HttpServerExchange exchange) throws IOException {
        exchange.setStatusCode(404);
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        sendBytes(exchange, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.US_ASCII));
    }

    static String param(HttpServerExchange exchange, String name) {
        Map<String, Deque<String>> q = exchange.getQueryParameters();
        Deque<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("true") || v.equals("1") || v.equalsIgnoreCase("True"));
    }

    private static String serverAddress(HttpServerExchange exchange) {
        InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
        if (local == null) {
            return "";
        }
        String host = local.getAddress() == null ? local.getHostString() : local.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + local.getPort();
    }

    private static String peer(HttpServerExchange exchange) {
        InetSocketAddress a = exchange.getSourceAddress();
        return a == null ? "?" : a.getHostString();
    }

    /** 0.1.0.SNAPSHOT → v0.1.0, as upstream cuts the OpenAPI version at the first '-'. */
    static String shortVersion(String version) {
        String v = VersionInfo.semver(version);
        int dash = v.indexOf('-');
        return dash > 0 ? v.substring(0, dash) : v;
    }

    /** Lets go of what the lists keep between requests (the pairing of every pod): this handler was replaced. */
    void close() {
        resources.close();
    }
}
