package io.kma.scraper.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.HttpClientHostnameVerifier;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import io.kma.api.kubelet.KubeletEndpoint;

/**
 * The HTTP side of scraping: one HttpClient 5 async client (non-blocking I/O on two reactor
 * threads), pooled keep-alive connections, HTTP/1.1 only (see {@link #PROTOCOL}), TLS with the given
 * context and host-name verifier, and a hard deadline per request. One instance lives as long as its TLS
 * setup (credentials service, CA, insecure flag) and timeout stay the same.
 */
final class KubeletHttpClient implements AutoCloseable {

    private static final String USER_AGENT = "kube-metrics-appliance/0.1";
    /**
     * Initial size of each HTTP/1.1 connection buffer (session in and out, content), kept for the connection's
     * whole life (ConnectionMemoryLoop: 4 KiB cost 6 KB more per connection than 1 KiB, and no measurable CPU in
     * ScrapeCostLoop: the content loop passes a 16 KiB record in 16 turns, not 4).
     */
    static final int HTTP1_BUFFER_BYTES = 1024;
    /**
     * Decrypted input reaches the HTTP/1.1 duplexer in slices of at most this size ({@link SlicedInputSession}), so
     * that its session input buffer, which grows to the largest input it was handed, stays at its initial size:
     * half of it, so that what a slice leaves unparsed (a kubelet's header line or chunk-size line cut in two, tens
     * of bytes) plus the next slice still fit. Only a longer line grows it, up to {@link #MAX_LINE_BYTES}.
     */
    static final int INPUT_SLICE_BYTES = HTTP1_BUFFER_BYTES / 2;
    /**
     * Longest response line (status, header, chunk size with extensions) accepted; HttpCore's default is 8 KiB. A
     * kubelet's are ~100 bytes. A partial line is scanned again with each slice, so a hostile kubelet's long lines
     * cost that many scans: 4 KiB keeps it to ~8 per line while leaving room for a proxy's headers.
     */
    static final int MAX_LINE_BYTES = 4096;
    /**
     * Client session cache lifetime: above the JDK's MAX_TICKET_LIFETIME (7 days) the JDK client discards each TLS
     * 1.3 NewSessionTicket instead of keeping a resumption session (with the ticket and its key) as a child of
     * every live session: ~2.2 KB per kept-alive kubelet connection (ConnectionMemoryLoop), ~11 MB at 5,000, for
     * resumptions that would only ever help a reconnect, which kept-alive connections rarely make.
     */
    static final int SESSION_CACHE_SECONDS = 7 * 24 * 3600 + 1;
    /**
     * HTTP/1.1 even when the kubelet offers h2 through ALPN (real kubelets do; upstream's client-go takes it). A
     * scrape is one request per connection every resolution, so multiplexing gains nothing, while HttpCore's
     * HTTP/2 multiplexer keeps a frame input and a frame output buffer of the local maximum frame size (64 KiB by
     * default) for the connection's whole life: 97.6 KB live heap per kept-alive kubelet offering h2 against
     * 29.8 KB over HTTP/1.1 (ConnectionMemoryLoop's method against h2-enabled Undertow stand-ins), ~340 MB more at
     * 5,000 nodes. HTTP/1.1 also holds a hostile kubelet to HttpCore's HTTP/1 limits (8 KiB lines, 100 header
     * fields) instead of HTTP/2's 16 MiB header lists and stream handling.
     */
    static final HttpVersionPolicy PROTOCOL = HttpVersionPolicy.FORCE_HTTP_1;

    private final CloseableHttpAsyncClient client;
    private final PoolingAsyncClientConnectionManager connections;
    private final BufferPool buffers;
    private final NodeNameVerifier identities;
    /**
     * Each I/O thread's assembler for the bodies it parses. Kept here, not in the per-cycle NodeScraper, because it
     * lives exactly as long as the I/O threads do: a ThreadLocal per cycle would leave the previous cycles'
     * assemblers in the threads' maps until they happen to be expunged, and reuse them within one cycle only.
     */
    private final ThreadLocal<NodeScrapeAssembler> assemblers = new ThreadLocal<>();

    KubeletHttpClient(SSLContext sslContext, HttpClientHostnameVerifier verifier, long timeoutMillis,
            int maxConcurrent, BufferPool buffers) {
        this(sslContext, verifier, null, null, timeoutMillis, maxConcurrent, buffers);
    }

    /**
     * @param identities who each node is expected to be; null (insecure mode) skips the per-node check
     * @param identityCheck runs after connecting, before sending; null with {@code identities}
     */
    KubeletHttpClient(SSLContext sslContext, HttpClientHostnameVerifier verifier, NodeNameVerifier identities,
            KubeletIdentityCheck identityCheck, long timeoutMillis, int maxConcurrent, BufferPool buffers) {
        this.buffers = buffers;
        this.identities = identities;
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        // the context is this client's own (KubeletClients makes one per TLS setup): no resumption state kept,
        // neither TLS 1.3 tickets (see SESSION_CACHE_SECONDS) nor TLS 1.2 sessions of closed connections
        sslContext.getClientSessionContext().setSessionTimeout(SESSION_CACHE_SECONDS);
        sslContext.getClientSessionContext().setSessionCacheSize(1);
        TlsStrategy tls = ClientTlsStrategyBuilder.create()
                .setSslContext(sslContext)
                .setTlsVersions("TLSv1.3", "TLSv1.2")
                .setHostnameVerifier(verifier)
                // CLIENT: only our verifier decides on names; BUILTIN would demand an IP SAN for IP dials
                .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                // idle kept-alive sessions (one per kubelet, thousands of them) release their TLS buffers
                .setSslBufferMode(SSLBufferMode.DYNAMIC)
                .buildAsync();
        connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(tls)
                // one kept-alive connection per kubelet, for thousands of kubelets (idle ones are closed
                // after a few resolutions by closeIdle); when full, the pool closes the oldest idle one
                .setMaxConnPerRoute(2)
                // per-route locking: the strict policy's global lock and linear lookup show at thousands of routes
                .setPoolConcurrencyPolicy(org.apache.hc.core5.pool.PoolConcurrencyPolicy.LAX)
                .setMaxConnTotal(Math.max(16_384, maxConcurrent * 4))
                .setDefaultTlsConfig(TlsConfig.custom()
                        .setVersionPolicy(PROTOCOL)
                        .setHandshakeTimeout(timeout)
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder builder = HttpAsyncClients.custom();
        if (identityCheck != null) {
            builder.addExecInterceptorAfter(org.apache.hc.client5.http.impl.ChainElement.CONNECT.name(),
                    "kubelet-identity", identityCheck);
        }
        client = builder
                .setConnectionManager(connections)
                // Without this the pool tags each connection with its TLS client principal and only hands it
                // back to a request carrying the same state; every scrape runs with a fresh context, so no
                // connection would ever be reused and each scrape of each node paid a full handshake.
                .disableConnectionState()
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(2)
                        .setSoTimeout(timeout)
                        .build())
                // HTTP/1.1 keeps three buffers per connection for its whole life (session in and out, content;
                // HttpCore allocates them final, so they cannot be dropped while the connection idles): the
                // default 32 KiB held 96 KiB per kept-alive kubelet, ~470 MiB at 5,000 nodes (heap dump)
                .setHttp1Config(Http1Config.custom()
                        .setBufferSize(HTTP1_BUFFER_BYTES)
                        .setMaxLineLength(MAX_LINE_BYTES)
                        .build())
                .setIoSessionDecorator(SlicedInputSession.decorator(INPUT_SLICE_BYTES))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout)
                        .build())
                // a stale kept-alive connection is retried once at once; refusals and TLS errors are not
                .setRetryStrategy(new NoDelayRetryStrategy())
                .setUserAgent(USER_AGENT)
                .disableCookieManagement()
                .disableAuthCaching()
                .disableRedirectHandling()
                // No Accept-Encoding (HttpClient 5.6 sends "gzip, x-gzip, deflate" by default and a kubelet then
                // gzips /metrics/resource). Inflating costs ~0.5 ms of kubelet-io CPU per scrape, ~0.15 cores at
                // 5,000 nodes every 15 s, to save ~24 MB/s on what is a cluster LAN. Revert this line where
                // the traffic costs more than the CPU (metered cross-zone links).
                .disableContentCompression()
                .evictExpiredConnections()
                .setThreadFactory(r -> {
                    Thread t = new Thread(r, "kma-kubelet-io");
                    t.setDaemon(true);
                    return t;
                })
                .build();
        client.start();
    }

    /**
     * DefaultHttpRequestRetryStrategy without the 1 s pause, without retrying 429/503 and never retrying
     * an oversized body (the same kubelet would send it again).
     */
    private static final class NoDelayRetryStrategy extends DefaultHttpRequestRetryStrategy {
        NoDelayRetryStrategy() {
            super(1, TimeValue.ZERO_MILLISECONDS,
                    List.of(java.io.InterruptedIOException.class, UnknownHostException.class, ConnectException.class,
                            ConnectionClosedException.class, NoRouteToHostException.class, SSLException.class,
                            ResponseTooLargeException.class),
                    List.of());
        }
    }

    /**
     * GETs {@code https://<endpoint><path>}. Completes with the response, or exceptionally with the
     * I/O failure, {@link ResponseTooLargeException}, or {@link java.util.concurrent.TimeoutException}
     * when the whole exchange (connect, TLS, response) took longer than {@code timeoutMillis}.
     */
    CompletableFuture<KubeletResponse> get(KubeletEndpoint endpoint, String path, String bearerToken,
            long maxBytes, long timeoutMillis) {
        return get(null, endpoint, path, bearerToken, maxBytes, timeoutMillis);
    }

    /** As above, for the given node: its kubelet's certificate must name it (unless insecure). */
    CompletableFuture<KubeletResponse> get(io.kma.api.cluster.NodeInfo node, KubeletEndpoint endpoint, String path,
            String bearerToken, long maxBytes, long timeoutMillis) {
        HttpClientContext context = HttpClientContext.create();
        if (node != null && identities != null) {
            context.setAttribute(KubeletIdentityCheck.NODE, identities.identity(node, endpoint.host()));
        }
        SimpleRequestBuilder request = SimpleRequestBuilder.get("https://" + endpoint.authority() + path);
        if (bearerToken != null && !bearerToken.isEmpty()) {
            request.addHeader("Authorization", "Bearer " + bearerToken);
        }
        CompletableFuture<KubeletResponse> result = new CompletableFuture<>();
        Future<KubeletResponse> exchange = client.execute(SimpleRequestProducer.create(request.build()),
                new BoundedBodyConsumer(buffers, maxBytes), null, context,
                new FutureCallback<>() {
                    @Override
                    public void completed(KubeletResponse r) {
                        if (!result.complete(r)) {
                            buffers.give(r.body());
                        }
                    }

                    @Override
                    public void failed(Exception e) {
                        result.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        result.completeExceptionally(new CancellationException("request cancelled"));
                    }
                });
        // the deadline covers connect + TLS + response; cancelling aborts the exchange and its connection
        result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e != null) {
                exchange.cancel(true);
            }
        });
        return result;
    }

    void giveBack(KubeletResponse r) {
        buffers.give(r.body());
    }

    /** Kept-alive connections waiting in the pool (the client releases a connection just after the response). */
    int idleConnections() {
        return connections.getTotalStats().getAvailable();
    }

    /** The calling I/O thread's assembler slot (see {@link NodeScraper}). */
    ThreadLocal<NodeScrapeAssembler> ioThreadAssemblers() {
        return assemblers;
    }

    /** Closes connections idle for longer than the given time (kubelets that left, or stopped answering). */
    void closeIdle(long millis) {
        connections.closeIdle(TimeValue.ofMilliseconds(millis));
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }

    static boolean isConnectFailure(Throwable e) {
        return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof org.apache.hc.client5.http.ConnectTimeoutException || e instanceof SSLException;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static boolean isIo(Throwable e) {
        return e instanceof IOException;
    }
}
