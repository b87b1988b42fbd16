package io.kma.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A few REST calls against a real kube-apiserver, as a kubelet makes them: JSON in and out, every call bounded by a
 * timeout, failures as {@link ApiException} with kube-apiserver's status code and (bounded) message.
 */
final class KubeApi {
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A non-2xx answer. */
    static final class ApiException extends IOException {
        final int code;

        ApiException(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private final URI server;
    private final HttpClient http;

    KubeApi(URI server, SSLContext tls) {
        this.server = server;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    JsonNode get(String path) throws IOException {
        return send("GET", path, null, null);
    }

    JsonNode send(String method, String path, String contentType, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT).header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType == null ? "application/json" : contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " " + path + " interrupted", e);
        }
        if (r.statusCode() / 100 != 2) {
            String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new ApiException(r.statusCode(), method + " " + path + ": " + r.statusCode() + " "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
        }
        return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    static ObjectMapper json() {
        return JSON;
    }
}
