package io.kma.simulator;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * kube-apiserver's aggregator for metrics.k8s.io: authorizes the caller like kube-apiserver, then
 * proxies over TLS with the front-proxy-client certificate, passing the caller's identity in
 * X-Remote-* headers (never its Authorization), and streams the backend's answer back.
 */
final class AggregatorProxy {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorProxy.class);
    /**
     * Caller headers passed through; everything else (Authorization, Impersonate-*, X-Remote-*) is dropped.
     * Accept-Encoding too, as kube-apiserver's proxy clones it: a gzip answer goes back to the caller as it
     * came (Content-Encoding is copied back), and the caller's HTTP client decompresses it.
     */
    private static final Set<String> PASS = Set.of("accept", "accept-encoding", "user-agent", "kubectl-command",
            "kubectl-session", "content-type", "audit-id");

    private final Simulator sim;
    private final HttpClient client;

    AggregatorProxy(Simulator sim, SSLContext frontProxyTls) {
        this.sim = sim;
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
        this.client = HttpClient.newBuilder()
                .sslContext(frontProxyTls)
                .sslParameters(params)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    void handle(HttpServerExchange ex, Identity id, String path, String[] seg) throws IOException {
        URI backend = sim.registration().backend();
        Attributes attrs = attributes(ex, path, seg);
        if (backend == null) {
            ApiServiceRegistration.ServiceRef service = sim.registration().service();
            if (service != null) {
                // what kube-apiserver's endpoint resolver answers when the Service has no ready address
                Http.status(ex, 503, "ServiceUnavailable", "no endpoints available for service \"" + service.name() + "\"");
                return;
            }
            Http.status(ex, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        if (!sim.policy().allows(id, attrs)) {
            Http.status(ex, 403, "Forbidden", attrs.forbiddenMessage(id.user()), attrs.isResource() ? attrs.group() : null,
                    attrs.isResource() ? attrs.resource() : null, attrs.isResource() && !attrs.name().isEmpty() ? attrs.name() : null);
            return;
        }
        String query = ex.getQueryString();
        URI target = backend.resolve(path + (query == null || query.isEmpty() ? "" : "?" + query));
        HttpRequest.Builder rb = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(sim.options().proxyTimeoutSeconds()));
        for (HeaderValues hv : ex.getRequestHeaders()) {
            String name = hv.getHeaderName().toString();
            if (PASS.contains(name.toLowerCase(Locale.ROOT))) {
                hv.forEach(v -> rb.header(name, v));
            }
        }
        rb.header("X-Remote-User", id.user());
        for (String g : id.groups()) {
            rb.header("X-Remote-Group", g);
        }
        for (var e : id.extra().entrySet()) {
            String key = URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8);
            e.getValue().forEach(v -> rb.header("X-Remote-Extra-" + key, v));
        }
        String clientIp = ex.getSourceAddress() == null ? "127.0.0.1" : ex.getSourceAddress().getAddress().getHostAddress();
        rb.header("X-Forwarded-For", clientIp);
        rb.header("X-Forwarded-Host", ex.getHostAndPort());
        rb.header("X-Forwarded-Proto", "https");
        rb.header("X-Forwarded-Uri", path);
        String method = ex.getRequestMethod().toString();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")) {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            rb.method(method, HttpRequest.BodyPublishers.ofByteArray(Http.body(ex, 3 << 20)));
        }
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            unavailable(ex, attrs, e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(ex, attrs, "interrupted");
            return;
        }
        ex.setStatusCode(resp.statusCode());
        resp.headers().firstValue("content-type").ifPresent(v -> ex.getResponseHeaders().put(HttpString.tryFromString("Content-Type"), v));
        resp.headers().firstValue("content-encoding").ifPresent(v -> ex.getResponseHeaders().put(HttpString.tryFromString("Content-Encoding"), v));
        resp.headers().firstValue("content-length").ifPresent(v -> ex.getResponseHeaders().put(HttpString.tryFromString("Content-Length"), v));
        try (InputStream in = resp.body(); OutputStream out = ex.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            LOG.info("proxy stream to {} broke: {}", target, e.toString());
            ex.getConnection().close();
        }
    }

    private static void unavailable(HttpServerExchange ex, Attributes a, String cause) throws IOException {
        // kubectl's wording for a 503: the HTTP verb, lower case, and resource.group
        String verb = ex.getRequestMethod().toString().toLowerCase(Locale.ROOT);
        String what = a.isResource() ? verb + " " + a.resource() + "." + a.group() : verb;
        LOG.info("aggregator: backend unreachable for {}: {}", ex.getRequestPath(), cause);
        Http.json(ex, 503, g -> {
            g.writeStartObject();
            Render.typeMeta(g, "Status", "v1");
            g.writeObjectFieldStart("metadata");
            g.writeEndObject();
            g.writeStringField("status", "Failure");
            g.writeStringField("message", "the server is currently unable to handle the request (" + what + ")");
            g.writeStringField("reason", "ServiceUnavailable");
            g.writeObjectFieldStart("details");
            if (a.isResource()) {
                g.writeStringField("group", a.group());
                g.writeStringField("kind", a.resource());
            }
            g.writeArrayFieldStart("causes");
            g.writeStartObject();
            g.writeStringField("reason", "UnexpectedServerResponse");
            g.writeStringField("message", "error trying to reach service: " + cause);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeNumberField("code", 503);
            g.writeEndObject();
        });
    }

    /** Maps a metrics.k8s.io path to what kube-apiserver's RBAC checks. */
    static Attributes attributes(HttpServerExchange ex, String path, String[] seg) {
        boolean watch = Http.flag(ex, "watch");
        // seg: apis, metrics.k8s.io, v1beta1, ...
        if (seg.length <= 3) {
            return Attributes.nonResource("get", path);
        }
        String ns = null;
        int i = 3;
        if (seg[i].equals("namespaces") && seg.length >= 6) {
            ns = seg[i + 1];
            i += 2;
        }
        String resource = seg[i];
        String name = seg.length > i + 1 ? seg[i + 1] : null;
        String verb = watch ? "watch" : name == null ? "list" : "get";
        if (!"GET".equals(ex.getRequestMethod().toString())) {
            verb = ex.getRequestMethod().toString().toLowerCase(Locale.ROOT);
        }
        return Attributes.resource(verb, ApiServerHandler.METRICS_GROUP, resource, "", ns, name);
    }

    /** The aggregator's availability check: GET /apis/metrics.k8s.io/v1beta1 as system:kube-aggregator. */
    String check(URI backend) {
        HttpRequest req = HttpRequest.newBuilder(backend.resolve("/apis/metrics.k8s.io/v1beta1"))
                .timeout(Duration.ofSeconds(5))
                .header("X-Remote-User", "system:kube-aggregator")
                .header("X-Remote-Group", "system:masters")
                .GET().build();
        try {
            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 200 && r.statusCode() < 400) {
                return null;
            }
            return "failing or missing response from " + req.uri() + ": bad status from " + req.uri() + ": " + r.statusCode();
        } catch (IOException e) {
            return "failing or missing response from " + req.uri() + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
