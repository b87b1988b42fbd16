package io.kma.simulator;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tiny HTTPS client for tests: per-connection TLS identity and hostname check. */
final class TestHttp {
    record Response(int code, String contentType, String body) {
    }

    private TestHttp() {
    }

    /** TLS as pki/NAME (null: no client certificate), trusting the cluster CA. */
    static SSLContext tls(Path dir, String name) throws IOException {
        return SimClients.tls(dir, name);
    }

    /** Accepts the server only if its certificate names {@code dnsName} (kubelets have no IP SAN). */
    static HostnameVerifier dnsName(String dnsName) {
        return (host, session) -> {
            try {
                X509Certificate c = (X509Certificate) session.getPeerCertificates()[0];
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    if (((Integer) san.get(0)) == 2 && dnsName.equals(san.get(1))) {
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        };
    }

    static HttpsURLConnection open(String url, SSLContext tls, HostnameVerifier hv, Map<String, String> headers) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        c.setSSLSocketFactory(tls.getSocketFactory());
        if (hv != null) {
            c.setHostnameVerifier(hv);
        }
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        headers.forEach(c::setRequestProperty);
        return c;
    }

    static Response get(String url, SSLContext tls, Map<String, String> headers) throws IOException {
        return request("GET", url, tls, null, headers, null);
    }

    static Response request(String method, String url, SSLContext tls, HostnameVerifier hv, Map<String, String> headers, String body) throws IOException {
        HttpsURLConnection c = open(url, tls, hv, headers);
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream os = c.getOutputStream()) {
                os.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = c.getResponseCode();
        InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(code, c.getContentType(), text);
    }

    /** Reads up to {@code max} lines or until the stream ends or {@code timeoutMs} passes without data. */
    static List<String> lines(HttpsURLConnection c, int max) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < max && (line = r.readLine()) != null) {
                out.add(line);
            }
        } catch (java.net.SocketTimeoutException e) {
            // no more events within the read timeout
        }
        return out;
    }
}
