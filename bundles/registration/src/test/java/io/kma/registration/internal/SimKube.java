package io.kma.registration.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;

import io.kma.api.kube.KubeResources;
import io.kma.simulator.SimClients;

/** KubeResources over HTTPS to the cluster simulator with one of its identities (pki/NAME), as kube-client does. */
final class SimKube implements KubeResources {

    private final HttpClient http;
    private final URI server;
    /** Called before each PUT (method, path): lets a test change the object between a GET and the PUT. */
    volatile BiConsumer<String, String> beforeWrite = (m, p) -> { };
    volatile int conflicts;

    private final String token;

    SimKube(Path simDir, String identity) throws IOException {
        this(simDir, identity, null);
    }

    /** With a bearer token (e.g. the simulator's viewer-token, user jane) instead of a client certificate. */
    SimKube(Path simDir, String identity, String token) throws IOException {
        this.token = token;
        this.http = HttpClient.newBuilder().sslContext(SimClients.tls(simDir, identity)).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        this.server = SimClients.apiserverUrl(simDir);
    }

    @Override
    public Answer get(String path) throws IOException {
        return send(HttpRequest.newBuilder(server.resolve(path)).GET());
    }

    @Override
    public Answer create(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(server.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Override
    public Answer update(String path, String json) throws IOException {
        beforeWrite.accept("PUT", path);
        Answer a = send(HttpRequest.newBuilder(server.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(json)));
        if (a.conflict()) {
            conflicts++;
        }
        return a;
    }

    @Override
    public Answer delete(String path, String deleteOptions) throws IOException {
        return send(HttpRequest.newBuilder(server.resolve(path)).method("DELETE",
                deleteOptions == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(deleteOptions)));
    }

    @Override
    public URI server() {
        return server;
    }

    private Answer send(HttpRequest.Builder b) throws IOException {
        try {
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.header("Accept", "application/json").header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
