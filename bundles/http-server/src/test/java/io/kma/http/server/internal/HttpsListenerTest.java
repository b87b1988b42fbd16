package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.tls.TlsMaterials.CertificateFiles;
import io.kma.tls.internal.BcTlsMaterials;
import io.undertow.server.HttpServerExchange;

/** The listener's TLS behaviour, over real sockets on 127.0.0.1. */
class HttpsListenerTest {

    @TempDir
    Path tmp;

    private TestListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void servesHttp2OverTlsWithTheSelfSignedCertificate() throws Exception {
        long t0 = System.nanoTime();
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp.resolve("certs")));
        System.out.printf("listener start with certificate generation: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Path chain = tmp.resolve("certs/apiserver.crt");
        assertTrue(Files.exists(chain));

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(TestClient.trusting(chain)).executor(executor)
                    .version(HttpClient.Version.HTTP_2).build();
            // The certificate's SANs are localhost and 127.0.0.1: hostname verification passes for both.
            for (String host : List.of("localhost", "127.0.0.1")) {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("https://" + host + ":" + listener.port() + "/livez")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("ok", r.body());
                assertEquals(HttpClient.Version.HTTP_2, r.version(), "ALPN negotiated h2");
            }
        } finally {
            executor.shutdownNow();
        }

        try (SSLSocket socket = TestClient.connect(TestClient.trusting(chain), listener.port())) {
            X509Certificate served = TestClient.servedCertificate(socket);
            assertTrue(served.getSubjectX500Principal().getName().startsWith("CN=localhost@"));
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }
    }

    @Test
    void neverNegotiatesTls11EvenWhenTheJdkWouldAllowIt() throws Exception {
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp.resolve("certs")));
        SSLContext client = TestClient.trustingAll(null);

        // Control: this JVM (see legacy-tls.security) can speak TLS 1.1, so a refusal below is the listener's.
        CertificateFiles files = new BcTlsMaterials().selfSigned(tmp.resolve("certs"), List.of("localhost"), List.of());
        SSLContext legacyServer = SSLContext.getInstance("TLS");
        legacyServer.init(new javax.net.ssl.KeyManager[] {
                new BcTlsMaterials().keyManager(files.certificate(), files.privateKey())}, null, null);
        try (SSLServerSocket server = (SSLServerSocket) legacyServer.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.1"});
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket s = TestClient.connect(client, server.getLocalPort(), "TLSv1.1")) {
                assertEquals("TLSv1.1", s.getSession().getProtocol(), "control: TLS 1.1 is possible in this JVM");
            }
            accepted.get(5, TimeUnit.SECONDS);
        }

        SSLException refused = assertThrows(SSLException.class,
                () -> TestClient.connect(client, listener.port(), "TLSv1.1").close());
        System.out.println("TLS 1.1 refused: " + refused.getMessage());
        try (SSLSocket s = TestClient.connect(client, listener.port(), "TLSv1.2")) {
            assertEquals("TLSv1.2", s.getSession().getProtocol());
        }

        // Only ECDHE with AEAD in TLS 1.2: a client offering only a CBC suite is refused.
        try (SSLSocket cbc = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.port())) {
            cbc.setSoTimeout(10_000);
            cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
            cbc.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});
            assertThrows(SSLException.class, cbc::startHandshake);
        }
    }

    @Test
    void tls13OnlyWhenConfigured() throws Exception {
        listener = new TestListener(Duration.ofSeconds(5))
                .start(new ServerSettings("127.0.0.1", 0, null, null, tmp.resolve("certs"), true));
        SSLContext client = TestClient.trustingAll(null);
        assertThrows(SSLException.class, () -> TestClient.connect(client, listener.port(), "TLSv1.2").close());
        try (SSLSocket s = TestClient.connect(client, listener.port(), "TLSv1.3")) {
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }

    @Test
    void clientCertificateIsRequestedNotRequiredAndReachesTheHandler() throws Exception {
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp.resolve("certs")));
        listener.addHandler(HttpsListenerTest::peerSubject, 0, "/whoami");

        assertEquals("anonymous", TestClient.get(TestClient.trustingAll(null), listener.port(), "/whoami").body());

        // A client certificate from a CA the listener knows nothing about: accepted at the handshake,
        // handed to the handler to verify.
        CertificateFiles client = new BcTlsMaterials().selfSigned(tmp.resolve("client"), List.of("front-proxy-client"),
                List.of());
        SSLContext withCert = TestClient.trustingAll(
                new BcTlsMaterials().keyManager(client.certificate(), client.privateKey()));
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket s = TestClient.connect(withCert, listener.port(), protocol)) {
                assertTrue(TestClient.request(s, "GET", "/whoami").body().startsWith("CN=front-proxy-client@"), protocol);
            }
        }
    }

    private static void peerSubject(HttpServerExchange exchange) {
        String subject;
        try {
            var certs = exchange.getConnection().getSslSessionInfo().getPeerCertificates();
            subject = ((X509Certificate) certs[0]).getSubjectX500Principal().getName();
        } catch (Exception e) {
            subject = "anonymous";
        }
        exchange.getResponseSender().send(subject);
    }

    @Test
    void theSelfSignedCertificateIsRenewedWithoutARestart() throws Exception {
        Path certs = tmp.resolve("renewed");
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(certs));
        SSLContext client = TestClient.trustingAll(null);
        X509Certificate before;
        try (SSLSocket s = TestClient.connect(client, listener.port())) {
            before = TestClient.servedCertificate(s);
        }
        // What the hourly check does when the tls bundle finds the pair due (30 days before expiry; here: gone).
        Files.delete(certs.resolve("apiserver.crt"));
        Files.delete(certs.resolve("apiserver.key"));
        listener.service.renewSelfSigned();
        X509Certificate expected = new BcTlsMaterials().readCertificates(certs.resolve("apiserver.crt")).get(0);
        X509Certificate after = null;
        for (int i = 0; i < 50 && !expected.equals(after); i++) { // bounded: 50 × 100 ms
            try (SSLSocket fresh = TestClient.connect(client, listener.port())) {
                after = TestClient.servedCertificate(fresh);
            }
            if (!expected.equals(after)) {
                Thread.sleep(100);
            }
        }
        assertEquals(expected, after, "new connections get the renewed certificate on the same port");
        assertNotEquals(before, after);
    }

    @Test
    void rotatedCertificateFilesAreServedOnNewConnectionsWithoutDroppingOpenOnes() throws Exception {
        Path crt = tmp.resolve("tls.crt");
        Path key = tmp.resolve("tls.key");
        CertificateFiles first = new BcTlsMaterials().selfSigned(tmp.resolve("first"), List.of("localhost"), List.of());
        Files.copy(first.certificate(), crt);
        Files.copy(first.privateKey(), key);
        listener = new TestListener(Duration.ofSeconds(5))
                .start(new ServerSettings("127.0.0.1", 0, crt, key, tmp.resolve("unused"), false));
        SSLContext client = TestClient.trustingAll(null);

        SSLSocket open = TestClient.connect(client, listener.port(), "TLSv1.2");
        try {
            X509Certificate before = TestClient.servedCertificate(open);
            assertEquals(200, TestClient.request(open, "GET", "/livez").status());

            Thread.sleep(20); // a different unix second in the CN is not needed: keys differ anyway
            CertificateFiles second = new BcTlsMaterials().selfSigned(tmp.resolve("second"), List.of("localhost"), List.of());
            // Rotate like cert-manager/kubeadm: replace both files by rename.
            Files.copy(second.privateKey(), tmp.resolve("tls.key.new"));
            Files.copy(second.certificate(), tmp.resolve("tls.crt.new"));
            Files.move(tmp.resolve("tls.key.new"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp.resolve("tls.crt.new"), crt, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            X509Certificate expected = new BcTlsMaterials().readCertificates(second.certificate()).get(0);

            long t0 = System.nanoTime();
            X509Certificate after = null;
            for (int i = 0; i < 50 && !expected.equals(after); i++) { // bounded: 50 × 100 ms
                try (SSLSocket fresh = TestClient.connect(client, listener.port())) {
                    after = TestClient.servedCertificate(fresh);
                }
                if (!expected.equals(after)) {
                    Thread.sleep(100);
                }
            }
            System.out.printf("rotated certificate served after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(expected, after, "a new connection gets the rotated certificate");
            assertNotEquals(before, after);

            assertEquals(200, TestClient.request(open, "GET", "/livez").status(), "the open connection still works");
            assertEquals(before, TestClient.servedCertificate(open));
        } finally {
            open.close();
        }
    }

    @Test
    void stopLetsRequestsInFlightFinishThenRefusesConnections() throws Exception {
        listener = new TestListener(Duration.ofSeconds(5)).start(TestListener.selfSigned(tmp.resolve("certs")));
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        listener.addHandler(exchange -> {
            entered.countDown();
            Thread.sleep(300);
            exchange.getResponseSender().send("slow done");
        }, 0, "/slow");
        int port = listener.port();
        SSLContext client = TestClient.trustingAll(null);

        CompletableFuture<TestClient.Response> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return TestClient.get(client, port, "/slow");
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the request reached the handler");
        SSLSocket idle = TestClient.connect(client, port);
        assertEquals(200, TestClient.request(idle, "GET", "/livez").status());
        long t0 = System.nanoTime();
        listener.close();
        System.out.printf("stop with one slow request in flight took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        listener = null;

        TestClient.Response r = inFlight.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("slow done", r.body());
        assertThrows(ConnectException.class, () -> TestClient.get(client, port, "/livez"));
        try (idle) {
            idle.setSoTimeout(3000);
            int read;
            try {
                read = idle.getInputStream().read();
            } catch (IOException closed) {
                read = -1;
            }
            assertEquals(-1, read, "idle keep-alive connections are closed by the stop");
        }
    }
}
