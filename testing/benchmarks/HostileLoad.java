import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The hostile half of testing/benchmarks/hostile.sh (JDK only, run as a source file): for SECONDS seconds,
 * against https://127.0.0.1:PORT, all bounded in count and time and on 127.0.0.0/8:
 * slowloris connections (from 127.0.0.2-6, a header byte every 10 s, reopened when closed), requests with
 * random bearer tokens (from 127.0.0.8-17) and requests with forged identity headers and no certificate (from
 * 127.0.0.18-22), 20 a second per keep-alive connection, and the body trick (every 5 s, 40 connections from 127.0.0.7 announce a
 * 1 MB body, send one byte and stay open 20 s). Prints one line of counts at the end.
 *
 *   java HostileLoad.java PORT SECONDS [SLOWLORIS=500] [TOKENS_PER_S=200] [FORGED_PER_S=100]
 */
public class HostileLoad {

    static final AtomicLong slowOpened = new AtomicLong();
    static final AtomicLong slowClosedByServer = new AtomicLong();
    static final AtomicLong tokenSent = new AtomicLong();
    static final AtomicLong token401 = new AtomicLong();
    static final AtomicLong forgedSent = new AtomicLong();
    static final AtomicLong forged401 = new AtomicLong();
    static final AtomicLong bodySent = new AtomicLong();
    static final AtomicLong body413 = new AtomicLong();
    static final AtomicLong other = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int slowloris = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int tokensPerS = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int forgedPerS = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        SSLContext tls = trustAll();

        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        // Slowloris: one thread per 100 connections, each a round of one byte per connection every 10 s.
        for (int group = 0; group < (slowloris + 99) / 100; group++) {
            int from = group * 100;
            int count = Math.min(100, slowloris - from);
            InetAddress source = InetAddress.getByName("127.0.0." + (2 + group % 5));
            threads.execute(() -> slowloris(tls, port, source, count, end));
        }
        // The body trick: 40 connections, again and again.
        threads.execute(() -> bodyTrick(tls, port, end));

        // Random tokens from 127.0.0.8-17 and forged headers from 127.0.0.18-22: 20 requests/s per keep-alive
        // connection, one thread each.
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < tokensPerS / 20; i++) {
            InetAddress source = InetAddress.getByName("127.0.0." + (8 + i % 10));
            threads.execute(() -> requests(tls, port, source, end, tokenSent, token401, () -> {
                byte[] t = new byte[24];
                random.nextBytes(t);
                return "Authorization: Bearer " + HexFormat.of().formatHex(t);
            }));
        }
        for (int i = 0; i < forgedPerS / 20; i++) {
            InetAddress source = InetAddress.getByName("127.0.0." + (18 + i % 5));
            threads.execute(() -> requests(tls, port, source, end, forgedSent, forged401,
                    () -> "X-Remote-User: system:admin\r\nX-Remote-Group: system:masters"));
        }

        while (System.nanoTime() < end) {
            Thread.sleep(200);
        }
        threads.shutdownNow();
        threads.awaitTermination(15, TimeUnit.SECONDS);
        System.out.printf("hostile: slowloris opened %d (closed by the server %d); random tokens sent %d (401 %d);"
                + " forged headers sent %d (401 %d); body trick sent %d (413 %d); other answers/errors %d%n",
                slowOpened.get(), slowClosedByServer.get(), tokenSent.get(), token401.get(), forgedSent.get(), forged401.get(),
                bodySent.get(), body413.get(), other.get());
        System.exit(0);
    }

    /** 20 requests a second on one keep-alive connection (reopened when closed), each with the given header lines. */
    static void requests(SSLContext tls, int port, InetAddress source, long end, AtomicLong sent, AtomicLong unauthorized,
            java.util.function.Supplier<String> headers) {
        SSLSocket s = null;
        long next = System.nanoTime();
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            try {
                if (s == null || s.isClosed()) {
                    s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port, source, 0);
                    s.setSoTimeout(15_000);
                }
                OutputStream out = s.getOutputStream();
                out.write(("GET /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\n" + headers.get() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                sent.incrementAndGet();
                InputStream in = s.getInputStream();
                String head = readHead(in);
                int length = 0;
                boolean chunked = false;
                for (String line : head.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    } else if (line.regionMatches(true, 0, "Transfer-Encoding: chunked", 0, 26)) {
                        chunked = true;
                    }
                }
                if (chunked) {
                    // Bounded: a chunk size line at most 16 bytes, the body of a 401 small.
                    for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0;
                            size = Integer.parseInt(readLine(in).trim(), 16)) {
                        in.readNBytes(size + 2);
                    }
                    readLine(in);
                } else {
                    in.readNBytes(length);
                }
                if (head.startsWith("HTTP/1.1 401")) {
                    unauthorized.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
                if (head.toLowerCase().contains("connection: close")) {
                    s.close();
                }
            } catch (IOException | RuntimeException e) {
                other.incrementAndGet();
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (IOException ignored) {
                    // reopened next round
                }
            }
            next += TimeUnit.MILLISECONDS.toNanos(50);
            sleepUntil(Math.min(end, next));
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // done
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n' && b.length() < 64; c = in.read()) {
            b.append((char) c);
        }
        return b.toString();
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != -1 && b.length() < 65536; c = in.read()) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        throw new IOException("no response head");
    }

    static void slowloris(SSLContext tls, int port, InetAddress source, int count, long end) {
        List<SSLSocket> open = new ArrayList<>();
        try {
            while (System.nanoTime() < end) {
                // Reopen what the server closed, then send one more header byte on each.
                open.removeIf(s -> {
                    if (s.isClosed()) {
                        slowClosedByServer.incrementAndGet();
                        return true;
                    }
                    return false;
                });
                while (open.size() < count && System.nanoTime() < end) {
                    try {
                        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port, source, 0);
                        s.setSoTimeout(2000);
                        s.startHandshake();
                        s.getOutputStream().write("GET /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\nX-a: "
                                .getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        open.add(s);
                        slowOpened.incrementAndGet();
                    } catch (IOException e) {
                        other.incrementAndGet();
                        break; // refused (connection cap): try again next round
                    }
                }
                for (SSLSocket s : open) {
                    try {
                        s.getOutputStream().write('a');
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closed anyway
                        }
                    }
                }
                sleepUntil(Math.min(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
            }
        } finally {
            for (SSLSocket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /**
     * Every 5 s, 40 connections announce a 1 MB body, send one byte, read the status and stay open for 20 s without
     * sending more (at most 160 open at a time): a server that drains the body holds a worker per connection.
     */
    static void bodyTrick(SSLContext tls, int port, long end) {
        java.util.ArrayDeque<SSLSocket> held = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Long> closeAt = new java.util.ArrayDeque<>();
        try {
            InetAddress source = InetAddress.getByName("127.0.0.7");
            while (System.nanoTime() < end) {
                List<SSLSocket> round = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    try {
                        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port, source, 0);
                        s.setSoTimeout(5000);
                        OutputStream out = s.getOutputStream();
                        out.write(("POST /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        round.add(s);
                        bodySent.incrementAndGet();
                    } catch (IOException e) {
                        other.incrementAndGet();
                    }
                }
                for (SSLSocket s : round) {
                    try {
                        byte[] head = s.getInputStream().readNBytes(12);
                        if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 413")) {
                            body413.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                    } catch (IOException e) {
                        other.incrementAndGet();
                    }
                    held.add(s);
                    closeAt.add(System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
                }
                while (!closeAt.isEmpty() && closeAt.peek() - System.nanoTime() <= 0) {
                    closeAt.poll();
                    close(held.poll());
                }
                sleepUntil(Math.min(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            }
        } catch (IOException e) {
            other.incrementAndGet();
        } finally {
            held.forEach(HostileLoad::close);
        }
    }

    static void close(SSLSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * An attacker does not verify the server, and the appliance's self-signed certificate lives only in its memory:
     * this load generator is the one place outside the appliance's insecure options that trusts any certificate.
     */
    static SSLContext trustAll() throws Exception {
        X509TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {all}, null);
        return ctx;
    }
}
