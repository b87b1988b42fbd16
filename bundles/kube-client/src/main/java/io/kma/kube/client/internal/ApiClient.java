package io.kma.kube.client.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP access to one kube-apiserver as one kubeconfig describes it. Thread-safe; requests from the two
 * watch threads and the reviewers share a small connection pool.
 */
final class ApiClient implements Closeable {

    static final Timeout CONNECT_TIMEOUT = Timeout.ofSeconds(10);
    static final Timeout REQUEST_TIMEOUT = Timeout.ofSeconds(30);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Kubeconfig kubeconfig;
    private final String base;
    private final BearerToken token;
    private final RequestCounter counter;
    private final CloseableHttpClient http;
    /* TokenReviews and SubjectAccessReviews have a pool of their own: a slow kube-apiserver must not
       make them wait behind the watches, nor the watches behind a flood of reviews. */
    private final CloseableHttpClient reviews;
    private final ReviewTimeouts reviewTimeouts;
    private final ScheduledExecutorService reviewDeadlines;
    private final ObjectMapper mapper;

    /**
     * Bounds of one review request.
     *
     * @param connect connecting, and waiting for a pooled connection, each at most this long
     * @param total   the whole request, answer included
     */
    record ReviewTimeouts(Duration connect, Duration total) {
        static final ReviewTimeouts DEFAULTS = new ReviewTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Connections in the review pool: enough for a burst of distinct callers, few enough to bound kube-apiserver's load. */
    static final int REVIEW_CONNECTIONS = 32;

    ApiClient(Kubeconfig kubeconfig, TlsSocketStrategy tls, String userAgent, RequestCounter counter,
            ObjectMapper mapper) {
        this(kubeconfig, tls, userAgent, counter, mapper, ReviewTimeouts.DEFAULTS);
    }

    ApiClient(Kubeconfig kubeconfig, TlsSocketStrategy tls, String userAgent, RequestCounter counter,
            ObjectMapper mapper, ReviewTimeouts reviewTimeouts) {
        this.kubeconfig = kubeconfig;
        this.reviewTimeouts = reviewTimeouts;
        String s = kubeconfig.server().toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.token = new BearerToken(kubeconfig.token(), kubeconfig.tokenFile());
        this.counter = counter;
        this.mapper = mapper;
        this.http = pooled(tls, userAgent, 16, CONNECT_TIMEOUT, REQUEST_TIMEOUT, RequestConfig.DEFAULT);
        Timeout connect = Timeout.of(reviewTimeouts.connect());
        Timeout total = Timeout.of(reviewTimeouts.total());
        this.reviews = pooled(tls, userAgent, REVIEW_CONNECTIONS, connect, total, RequestConfig.custom()
                .setConnectionRequestTimeout(connect)
                .setResponseTimeout(total)
                .build());
        this.reviewDeadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kma-kube-client-review-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    private static CloseableHttpClient pooled(TlsSocketStrategy tls, String userAgent, int connections, Timeout connect,
            Timeout socket, RequestConfig requests) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(tls)
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(socket)
                                .setTimeToLive(5, TimeUnit.MINUTES)
                                .build())
                        .build())
                .setDefaultRequestConfig(requests)
                .setUserAgent(userAgent)
                // Watches and reviews decide themselves whether to retry; a silent retry of a POST is wrong.
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                // Otherwise pooled TLS connections carry the client-certificate principal as their state,
                // requests (which carry none) never match it, and every request opens a new connection.
                .disableConnectionState()
                .evictIdleConnections(org.apache.hc.core5.util.TimeValue.ofMinutes(1))
                .build();
    }

    /**
     * POST of a TokenReview or SubjectAccessReview on the review pool, ended after
     * {@link ReviewTimeouts#total()} whatever kube-apiserver does (a slow trickle of bytes included).
     */
    JsonNode review(String path, JsonNode body) throws IOException {
        HttpPost post = new HttpPost(base + path);
        post.setHeader("Accept", "application/json");
        post.setEntity(new ByteArrayEntity(mapper.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        long totalMillis = reviewTimeouts.total().toMillis();
        ScheduledFuture<?> deadline = reviewDeadlines.schedule(post::cancel, totalMillis, TimeUnit.MILLISECONDS);
        try {
            return readJson(reviews, "create", post, null, null);
        } catch (IOException e) {
            if (post.isCancelled()) {
                throw new SocketTimeoutException(path + ": no answer within " + totalMillis + " ms");
            }
            throw e;
        } catch (RuntimeException e) {
            // HttpClient reports an aborted request as CancellationException/IllegalStateException.
            if (post.isCancelled()) {
                throw new SocketTimeoutException(path + ": no answer within " + totalMillis + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    Kubeconfig kubeconfig() {
        return kubeconfig;
    }

    URI server() {
        return kubeconfig.server();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Starts a GET whose body the caller streams (lists, watches). The caller closes the call; another
     * thread may {@link Call#cancel()} it to unblock a read.
     *
     * @param verb            Kubernetes verb for the request counter (list, watch, get)
     * @param responseTimeout longest silence tolerated while reading
     */
    Call open(String verb, String pathAndQuery, String accept, Timeout responseTimeout, CallTracker tracker)
            throws IOException {
        HttpGet get = new HttpGet(base + pathAndQuery);
        get.setHeader("Accept", accept);
        get.setConfig(RequestConfig.custom().setResponseTimeout(responseTimeout).build());
        if (tracker != null) {
            tracker.started(get);
        }
        CloseableHttpResponse response = execute(http, verb, get);
        int code = response.getCode();
        if (code / 100 != 2) {
            try (response) {
                throw error(code, response.getEntity());
            }
        }
        return new Call(get, response);
    }

    /** GET of one object. */
    JsonNode get(String verb, String pathAndQuery) throws IOException {
        return get(verb, pathAndQuery, null, null);
    }

    /**
     * GET of one object with a shorter response timeout (null: the default), publishing the request to
     * {@code tracker} (may be null) so that another thread can cancel it.
     */
    JsonNode get(String verb, String pathAndQuery, Timeout responseTimeout, CallTracker tracker) throws IOException {
        HttpGet get = new HttpGet(base + pathAndQuery);
        get.setHeader("Accept", "application/json");
        return readJson(http, verb, get, responseTimeout, tracker);
    }

    /** POST of a JSON object (create), answered with a JSON object. */
    JsonNode post(String path, JsonNode body) throws IOException {
        return post(path, body, null, null);
    }

    /** POST as {@link #post(String, JsonNode)}, with a response timeout and a tracker as {@link #get(String, String, Timeout, CallTracker)}. */
    JsonNode post(String path, JsonNode body, Timeout responseTimeout, CallTracker tracker) throws IOException {
        HttpPost post = new HttpPost(base + path);
        post.setHeader("Accept", "application/json");
        post.setEntity(new ByteArrayEntity(mapper.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        return readJson(http, "create", post, responseTimeout, tracker);
    }

    /** PUT of a JSON object (update, e.g. a subresource), answered with a JSON object. */
    JsonNode put(String path, JsonNode body) throws IOException {
        HttpPut put = new HttpPut(base + path);
        put.setHeader("Accept", "application/json");
        put.setEntity(new ByteArrayEntity(mapper.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        return readJson(http, "update", put, null, null);
    }

    /**
     * One request whose answer, error or not, is returned as status code and body (at most {@code maxBody} bytes,
     * more is an IOException): for callers that handle 404 and 409 themselves.
     *
     * @param verb Kubernetes verb for the request counter
     */
    Exchanged exchange(String verb, HttpUriRequestBase request, byte[] json, int maxBody) throws IOException {
        return exchange(verb, request, json, maxBody, Duration.ofMillis(REQUEST_TIMEOUT.toMilliseconds()));
    }

    /**
     * {@link #exchange(String, HttpUriRequestBase, byte[], int)} ended after {@code total} whatever kube-apiserver
     * does: the socket timeout bounds each silence, not a slow trickle of bytes, and the registration's one thread
     * must get its next round.
     */
    Exchanged exchange(String verb, HttpUriRequestBase request, byte[] json, int maxBody, Duration total) throws IOException {
        ScheduledFuture<?> deadline = reviewDeadlines.schedule(request::cancel, total.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return exchangeOnce(verb, request, json, maxBody);
        } catch (IOException | RuntimeException e) {
            // HttpClient reports an aborted request as an IOException, CancellationException or IllegalStateException
            if (request.isCancelled()) {
                throw new SocketTimeoutException(request.getMethod() + " " + request.getRequestUri() + ": no complete answer within "
                        + total.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    private Exchanged exchangeOnce(String verb, HttpUriRequestBase request, byte[] json, int maxBody) throws IOException {
        request.setHeader("Accept", "application/json");
        if (json != null) {
            request.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
        }
        try (CloseableHttpResponse response = execute(http, verb, request)) {
            HttpEntity entity = response.getEntity();
            byte[] body = new byte[0];
            if (entity != null) {
                try (InputStream in = entity.getContent()) {
                    body = in.readNBytes(maxBody + 1);
                }
                if (body.length > maxBody) {
                    throw new IOException(request.getMethod() + " " + request.getRequestUri() + ": answer larger than "
                            + maxBody + " bytes");
                }
            }
            return new Exchanged(response.getCode(), new String(body, StandardCharsets.UTF_8));
        }
    }

    /** What {@link #exchange} returns. */
    record Exchanged(int code, String body) {
    }

    /** The absolute URL of an API path on this kube-apiserver. */
    String url(String path) {
        return base + path;
    }

    private JsonNode readJson(CloseableHttpClient client, String verb, HttpUriRequestBase request, Timeout responseTimeout,
            CallTracker tracker) throws IOException {
        if (responseTimeout != null) {
            request.setConfig(RequestConfig.custom().setResponseTimeout(responseTimeout).build());
        }
        if (tracker != null) {
            tracker.started(request);
        }
        try (CloseableHttpResponse response = execute(client, verb, request)) {
            int code = response.getCode();
            if (code / 100 != 2) {
                throw error(code, response.getEntity());
            }
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw new IOException(request.getMethod() + " " + request.getRequestUri() + ": empty answer");
            }
            try (InputStream in = entity.getContent()) {
                JsonNode node = mapper.readTree(in);
                EntityUtils.consume(entity);
                return node;
            }
        }
    }

    private CloseableHttpResponse execute(CloseableHttpClient client, String verb, HttpUriRequestBase request)
            throws IOException {
        String t = token.current();
        if (t != null) {
            request.setHeader("Authorization", "Bearer " + t);
        }
        try {
            CloseableHttpResponse response = client.execute(request);
            counter.count(verb, Integer.toString(response.getCode()));
            return response;
        } catch (IOException e) {
            counter.count(verb, "<error>");
            throw e;
        }
    }

    /** Builds the exception for an error answer, with the message of the Status object when there is one. */
    private ApiException error(int code, HttpEntity entity) {
        String message = "";
        if (entity != null) {
            try (InputStream in = entity.getContent()) {
                byte[] body = in.readNBytes(MAX_ERROR_BODY);
                message = statusMessage(body);
            } catch (IOException e) {
                message = "";
            }
        }
        return new ApiException(code, "kube-apiserver answered " + code + (message.isEmpty() ? "" : ": " + message));
    }

    private String statusMessage(byte[] body) {
        try {
            JsonNode n = mapper.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: fall through to the text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
        reviews.close(CloseMode.IMMEDIATE);
        reviewDeadlines.shutdownNow();
    }

    /** Lets a watch thread publish its in-flight request so that stop() can cancel it. */
    interface CallTracker {
        void started(HttpUriRequestBase request);
    }

    /** A streaming response. */
    static final class Call implements Closeable {

        private final HttpUriRequestBase request;
        private final CloseableHttpResponse response;

        Call(HttpUriRequestBase request, CloseableHttpResponse response) {
            this.request = request;
            this.response = response;
        }

        InputStream body() throws IOException {
            HttpEntity e = response.getEntity();
            if (e == null) {
                throw new IOException("empty answer");
            }
            return e.getContent();
        }

        /** After the whole body was read: returns the connection to the pool for reuse. */
        void release() throws IOException {
            EntityUtils.consume(response.getEntity());
        }

        /** Aborts the connection; a read blocked in another thread fails at once. */
        void cancel() {
            request.cancel();
        }

        @Override
        public void close() {
            // Cancel first so that closing discards the connection rather than draining an endless
            // watch; after release() the connection is back in the pool and cancel does nothing.
            request.cancel();
            try {
                response.close();
            } catch (IOException e) {
                // already aborted
            }
        }
    }
}
