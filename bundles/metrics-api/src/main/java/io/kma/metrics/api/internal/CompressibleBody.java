package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * A response body that is gzip-compressed when the client accepts it and the body is large, as
 * k8s.io/apiserver does (feature APIResponseCompression, on by default since Kubernetes 1.16; every
 * client-go client, kubectl included, sends {@code Accept-Encoding: gzip}, and kube-apiserver's aggregator
 * passes it on): decided on the first write, compressed when that write is larger than
 * {@link #THRESHOLD} bytes, at gzip level 1 (upstream's choice: least CPU for most of the size).
 * Small bodies and clients that do not ask are written unchanged. The caller must {@link #finish()} the body
 * (the gzip trailer) and {@link #close()} it in any case (the compressor's native memory).
 */
final class CompressibleBody extends OutputStream {

    /** upstream's defaultGzipThresholdBytes: first writes up to this size are sent as they are. */
    static final int THRESHOLD = 128 * 1024;
    /** What the compressor hands the response at a time. */
    private static final int OUTPUT_BUFFER = 64 * 1024;

    private final HttpServerExchange exchange;
    private final long stallNanos;
    private final boolean accepted;
    private OutputStream target;
    private ChunkSender sender;
    private Gzip gzip;

    CompressibleBody(HttpServerExchange exchange) {
        this(exchange, ChunkSender.STALL_NANOS);
    }

    /** @param stallNanos how long a large body's writer waits for a client that takes no data */
    CompressibleBody(HttpServerExchange exchange, long stallNanos) {
        this.exchange = exchange;
        this.stallNanos = stallNanos;
        this.accepted = acceptsGzip(exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING));
    }

    /**
     * Whether an Accept-Encoding header asks for gzip, read as k8s.io/apiserver's negotiateContentEncoding
     * reads it: a comma-separated token that is exactly {@code gzip} (so {@code gzip;q=0} is not).
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        int start = 0;
        while (start <= acceptEncoding.length()) {
            int comma = acceptEncoding.indexOf(',', start);
            int end = comma < 0 ? acceptEncoding.length() : comma;
            if (acceptEncoding.substring(start, end).trim().equals("gzip")) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (target == null) {
            target = open(len);
        }
        target.write(b, off, len);
    }

    private OutputStream open(int firstWrite) throws IOException {
        if (firstWrite <= THRESHOLD) {
            return exchange.getOutputStream(); // a small body: one write on the worker, no hand-off
        }
        sender = new ChunkSender(exchange, stallNanos);
        OutputStream response = sender;
        if (!accepted) {
            return response;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, "gzip");
        exchange.getResponseHeaders().add(Headers.VARY, "Accept-Encoding");
        gzip = new Gzip(response);
        return gzip;
    }

    @Override
    public void flush() throws IOException {
        if (target != null) {
            target.flush();
        }
    }

    /** Completes the body: the gzip trailer when compressed, then a flush (a large body: until it is sent). */
    void finish() throws IOException {
        if (gzip != null) {
            gzip.finish();
        }
        if (sender != null) {
            sender.finish();
        } else {
            flush();
        }
    }

    /**
     * Frees the compressor; a large body not {@link #finish() finished} is cut short (its connection closed, see
     * {@link ChunkSender#close()}); a small one's stream is left to Undertow.
     */
    @Override
    public void close() {
        try {
            if (sender != null) {
                sender.close();
            }
        } finally {
            if (gzip != null) {
                gzip.release();
            }
        }
    }

    /** GZIPOutputStream at level 1, whose compressor can be freed without closing the response. */
    private static final class Gzip extends GZIPOutputStream {

        Gzip(OutputStream out) throws IOException {
            super(out, OUTPUT_BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }

        void release() {
            def.end();
        }
    }
}
