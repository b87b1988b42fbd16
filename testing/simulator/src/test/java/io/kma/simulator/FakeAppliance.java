package io.kma.simulator;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in appliance on 127.0.0.1 that requires a client certificate from the front-proxy CA
 * and records what the aggregator sent.
 */
final class FakeAppliance implements AutoCloseable {
    record Seen(String path, String query, String clientCn, Map<String, List<String>> headers) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Response bodies by request path, overriding the default empty NodeMetricsList. */
    final Map<String, String> bodies = new java.util.concurrent.ConcurrentHashMap<>();
    private final Undertow server;
    final URI url;

    FakeAppliance(X509Certificate frontProxyCa) {
        Pki.Issued ca = Pki.newCa("fake-appliance-ca");
        Pki.Issued serving = Pki.issueServer(ca, "localhost", List.of("localhost"), List.of("127.0.0.1"), Pki.newKeyPair());
        var tls = Pki.context(new FixedKeyManager(new X509Certificate[]{serving.cert()}, serving.key()), Pki.trustManagers(frontProxyCa));
        server = Undertow.builder().setIoThreads(1).setWorkerThreads(2)
                .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUIRED)
                .addHttpsListener(0, "127.0.0.1", tls)
                .setHandler(this::handle).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        url = URI.create("https://127.0.0.1:" + port);
    }

    private void handle(HttpServerExchange ex) {
        X509Certificate peer = Authenticator.peerCertificate(ex);
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ex.getRequestHeaders().forEach(v -> h.put(v.getHeaderName().toString(), new ArrayList<>(v)));
        seen.add(new Seen(ex.getRequestPath(), ex.getQueryString(), peer == null ? null : Authenticator.fromCertificate(peer).user(), h));
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        if (ex.getRequestPath().equals("/apis/metrics.k8s.io/v1beta1")) {
            ex.getResponseSender().send("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"resources\":["
                    + "{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]},"
                    + "{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}");
        } else if (bodies.containsKey(ex.getRequestPath())) {
            ex.getResponseSender().send(bodies.get(ex.getRequestPath()));
        } else {
            ex.setStatusCode(200);
            ex.getResponseSender().send("{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[]}");
        }
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }

    @Override
    public void close() {
        server.stop();
    }
}
