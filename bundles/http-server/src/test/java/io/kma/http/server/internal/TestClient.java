package io.kma.http.server.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.kma.testsupport.TestPki;
import io.kma.tls.internal.BcTlsMaterials;

/** A minimal HTTPS/1.1 client on SSLSocket: full control of protocols, connections and certificates. */
final class TestClient {

    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private TestClient() {
    }

    /** Trusts the certificates of a PEM file (the self-signed chain file holds the CA). */
    static SSLContext trusting(Path pem) throws Exception {
        return context(new BcTlsMaterials().trustManager(pem), null);
    }

    /** Trusts anything: for tests that look at what the server presents. */
    static SSLContext trustingAll(KeyManager clientKey) throws Exception {
        return context(TestPki.trustAll(), clientKey);
    }

    private static SSLContext context(TrustManager tm, KeyManager km) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km == null ? null : new KeyManager[] {km}, new TrustManager[] {tm}, null);
        return ctx;
    }

    static SSLContext defaultTrust() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init((KeyStore) null);
        return context(f.getTrustManagers()[0], null);
    }

    /** One connection, handshake done; the caller closes it. */
    static SSLSocket connect(SSLContext ctx, int port, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return socket;
    }

    static Response get(SSLContext ctx, int port, String path) throws IOException {
        try (SSLSocket socket = connect(ctx, port)) {
            return request(socket, "GET", path);
        }
    }

    /** Sends one request on an open (keep-alive) connection and reads its response. */
    static Response request(SSLSocket socket, String method, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(socket.getInputStream(), method.equals("HEAD"));
    }

    /** Sends the given request head (and nothing else) on a new connection and reads the response. */
    static Response raw(SSLContext ctx, int port, String head) throws IOException {
        try (SSLSocket socket = connect(ctx, port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket.getInputStream(), false);
        }
    }

    /** GET with extra header lines (each "Name: value"). */
    static Response get(SSLContext ctx, int port, String path, String... headerLines) throws IOException {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headerLines) {
            head.append(h).append("\r\n");
        }
        return raw(ctx, port, head.append("\r\n").toString());
    }

    static Response read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head) {
            return new Response(status, headers, "");
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) { // bounded by the socket timeout and the stream end
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    static X509Certificate servedCertificate(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
}
