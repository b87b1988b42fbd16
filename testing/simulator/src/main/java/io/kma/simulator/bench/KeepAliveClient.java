package io.kma.simulator.bench;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 keep-alive client for one kubelet: far cheaper than java.net.http at 5,000
 * connections, so the benchmark measures the simulator rather than its client. Kubelet certificates
 * name only the node, so no hostname check is made here (the chain is verified).
 */
final class KeepAliveClient {
    final ScrapeBenchmark.Target target;
    private final SSLSocketFactory factory;
    private final byte[] request;
    /** Body bytes are discarded: one scratch buffer per client thread, not per connection. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveClient(ScrapeBenchmark.Target target, SSLSocketFactory factory) {
        this.target = target;
        this.factory = factory;
        this.request = ("GET /metrics/resource HTTP/1.1\r\nHost: " + target.node() + ":" + target.port()
                + "\r\nUser-Agent: sim-scrape-benchmark\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Like Go's transport: a request on a reused connection that the server closed is retried once on a new one. */
    long scrapeWithRetry() throws IOException {
        boolean reused = socket != null;
        try {
            return scrape();
        } catch (IOException e) {
            close();
            if (!reused) {
                throw e;
            }
            return scrape();
        }
    }

    /** @return body bytes read */
    long scrape() throws IOException {
        if (socket == null) {
            socket = (SSLSocket) factory.createSocket(target.address(), target.port());
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
            out = socket.getOutputStream();
        }
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status: " + status);
        }
        long length = -1;
        for (String h = line(); !h.isEmpty(); h = line()) {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(h.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length");
        }
        byte[] buf = SCRATCH.get();
        for (long left = length; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("connection closed mid-body");
            }
            left -= n;
        }
        return length;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
