package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.tls.TlsMaterials.CertificateFiles;
import io.kma.http.server.internal.HttpsServer.ListenerException;
import io.kma.testsupport.LoopbackPorts;

/** What a configuration change (DS @Modified) does to the listener. */
class ReconfigurationTest {

    @TempDir
    Path tmp;

    @Test
    void newCertificateSourceIsSwappedInOnTheOpenPort() throws Exception {
        try (TestListener listener = new TestListener(Duration.ofSeconds(5))) {
            listener.start(TestListener.selfSigned(tmp.resolve("a")));
            listener.addHandler(e -> e.getResponseSender().send("h"), 0, "/h");
            int port = listener.port();
            SSLContext client = TestClient.trustingAll(null);
            try (SSLSocket open = TestClient.connect(client, port)) {
                X509Certificate before = TestClient.servedCertificate(open);
                CertificateFiles files = listener.tls.selfSigned(tmp.resolve("b"), List.of("localhost"), List.of());
                listener.service.apply(new ServerSettings("127.0.0.1", 0, files.certificate(), files.privateKey(),
                        tmp.resolve("a"), false));
                assertEquals(port, listener.port(), "same listener");
                assertEquals("h", TestClient.request(open, "GET", "/h").body(), "open connection kept");
                try (SSLSocket fresh = TestClient.connect(client, port)) {
                    X509Certificate after = TestClient.servedCertificate(fresh);
                    assertNotEquals(before, after);
                    assertEquals(listener.tls.readCertificates(files.certificate()).get(0), after);
                }
            }
        }
    }

    @Test
    void portChangeRestartsTheListenerAndKeepsHandlers() throws Exception {
        try (TestListener listener = new TestListener(Duration.ofSeconds(5))) {
            listener.start(TestListener.selfSigned(tmp));
            listener.addHandler(e -> e.getResponseSender().send("h"), 0, "/h");
            int oldPort = listener.port();
            int newPort = LoopbackPorts.free();
            long t0 = System.nanoTime();
            listener.service.apply(new ServerSettings("127.0.0.1", newPort, null, null, tmp, false));
            System.out.printf("listener restart on a port change: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            SSLContext client = TestClient.trustingAll(null);
            assertEquals(newPort, listener.port());
            assertEquals("h", TestClient.get(client, newPort, "/h").body());
            assertThrows(ConnectException.class, () -> TestClient.get(client, oldPort, "/h"));
        }
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                TestListener listener = new TestListener(Duration.ofSeconds(5))) {
            ListenerException e = assertThrows(ListenerException.class,
                    () -> listener.start(new ServerSettings("127.0.0.1", taken.getLocalPort(), null, null, tmp, false)));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use", e.getMessage());
        }
    }

    @Test
    void brokenCertificateFileIsOneClearLine() throws Exception {
        Path crt = java.nio.file.Files.writeString(tmp.resolve("tls.crt"), "nothing");
        Path key = tmp.resolve("tls.key");
        try (TestListener listener = new TestListener(Duration.ofSeconds(5))) {
            ListenerException e = assertThrows(ListenerException.class,
                    () -> listener.start(new ServerSettings("127.0.0.1", 0, crt, key, tmp, false)));
            assertEquals(crt + ": no CERTIFICATE block", e.getMessage());
        }
    }
}
