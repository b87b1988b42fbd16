package io.kma.scraper.internal;

import java.nio.ByteBuffer;

import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Collects a kubelet response body into a pooled byte array, failing the exchange as soon as it
 * would exceed the configured cap (so a misbehaving kubelet cannot make us buffer without bound).
 * Bodies of error statuses are kept only up to a small prefix, for the failure message.
 */
final class BoundedBodyConsumer extends AbstractBinResponseConsumer<KubeletResponse> {

    private static final int ERROR_BODY_PREFIX = 512;

    private final BufferPool pool;
    private final long maxBytes;
    private int status;
    private String reason;
    private String protocol;
    private byte[] buf;
    private int len;
    private boolean keep;

    BoundedBodyConsumer(BufferPool pool, long maxBytes) {
        this.pool = pool;
        this.maxBytes = maxBytes;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) throws ResponseTooLargeException {
        status = response.getCode();
        reason = response.getReasonPhrase();
        protocol = response.getVersion() == null ? "" : response.getVersion().toString();
        keep = status == 200;
        Header cl = response.getFirstHeader("Content-Length");
        if (keep && cl != null) {
            try {
                if (Long.parseLong(cl.getValue().trim()) > maxBytes) {
                    throw new ResponseTooLargeException(maxBytes);
                }
            } catch (NumberFormatException e) {
                // let the streamed count decide
            }
        }
        buf = pool.take();
        len = 0;
    }

    @Override
    protected int capacityIncrement() {
        return Integer.MAX_VALUE;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws ResponseTooLargeException {
        int n = src.remaining();
        if (!keep) {
            n = Math.min(n, ERROR_BODY_PREFIX - len);
            if (n <= 0) {
                src.position(src.limit());
                return;
            }
        } else if ((long) len + n > maxBytes) {
            throw new ResponseTooLargeException(maxBytes);
        }
        if (len + n > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + n);
            byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.min(want, Math.max(maxBytes, len + n)))];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
        src.get(buf, len, n);
        len += n;
        if (src.hasRemaining()) {
            src.position(src.limit());
        }
    }

    @Override
    protected KubeletResponse buildResult() {
        KubeletResponse r = new KubeletResponse(status, reason, protocol, buf, len);
        buf = null;
        return r;
    }

    @Override
    public void releaseResources() {
        if (buf != null) {
            pool.give(buf);
            buf = null;
        }
    }
}
