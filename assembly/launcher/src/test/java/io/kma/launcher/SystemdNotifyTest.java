package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SystemdNotifyTest {

    @TempDir
    Path dir;

    private Path recordingScript(Path calls) throws Exception {
        Path script = dir.resolve("fake-systemd-notify");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static List<String> awaitLines(Path file, int n) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= n) {
                return Files.readAllLines(file);
            }
            Thread.sleep(50);
        }
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void statusWhileWaitingThenReadyOnceAndNothingMore() throws Exception {
        Path calls = dir.resolve("calls");
        Deque<String> answers = new ArrayDeque<>(List.of("waiting for the API", "waiting for the API", "waiting for /readyz (500: metric-storage-ready failed)"));
        AtomicInteger polls = new AtomicInteger();
        SystemdNotify notify = new SystemdNotify(List.of(recordingScript(calls).toString()), () -> {
            polls.incrementAndGet();
            return answers.pollFirst();
        }, 10);
        notify.start();
        List<String> lines = awaitLines(calls, 3);
        for (int i = 0; i < 200 && !notify.ready(); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(100);
        notify.close();
        assertEquals(List.of("--status=waiting for the API", "--status=waiting for /readyz (500: metric-storage-ready failed)",
                "--ready --status=serving metrics.k8s.io"), Files.readAllLines(calls), "an unchanged status is not re-sent");
        assertTrue(notify.ready());
        assertEquals(4, polls.get(), "no polling after READY=1");
        assertEquals(3, lines.size());
    }

    @Test
    void withoutNotifySocketNothingHappens() {
        assertNull(SystemdNotify.startIfRequested(null, "/nonexistent", null));
        assertNull(SystemdNotify.startIfRequested("", "/nonexistent", null));
    }

    @Test
    void aFailingCommandIsNotReadyAndKeepsTrying() throws Exception {
        SystemdNotify notify = new SystemdNotify(List.of("/bin/false"), () -> null, 10);
        notify.start();
        Thread.sleep(300);
        notify.close();
        assertTrue(!notify.ready());
    }

    /** The real systemd-notify against a fake NOTIFY_SOCKET (a datagram socket bound by python3). */
    @Test
    void realSystemdNotifySendsReadyAndStatusToNotifySocket() throws Exception {
        Path systemdNotify = Path.of("/usr/bin/systemd-notify");
        Assumptions.assumeTrue(Files.isExecutable(systemdNotify), "no /usr/bin/systemd-notify");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 for the fake NOTIFY_SOCKET");
        Path socket = dir.resolve("notify.sock");
        Path received = dir.resolve("received");
        Path receiver = Files.writeString(dir.resolve("receiver.py"), """
                import array, os, socket, sys
                path, out = sys.argv[1], sys.argv[2]
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(path)
                open(path + '.bound', 'w').close()
                s.settimeout(60)
                with open(out, 'a') as f:
                    while True:
                        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
                        for level, kind, data in anc:
                            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                                fds = array.array('i')
                                fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
                                for fd in fds:
                                    os.close(fd)  # systemd-notify's barrier waits for this
                        f.write(msg.decode().replace('\\n', ' ').strip() + '\\n')
                        f.flush()  # and keep receiving: systemd-notify's barrier follows READY=1
                """);
        Process python = new ProcessBuilder("/usr/bin/python3", receiver.toString(), socket.toString(), received.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("receiver.log").toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(Path.of(socket + ".bound")); i++) {
                Thread.sleep(50);
            }
            Deque<String> answers = new ArrayDeque<>(List.of("waiting for /readyz"));
            SystemdNotify notify = new SystemdNotify(List.of("/usr/bin/env", "NOTIFY_SOCKET=" + socket, systemdNotify.toString()),
                    answers::pollFirst, 10);
            notify.start();
            for (int i = 0; i < 400 && !notify.ready(); i++) {
                Thread.sleep(50); // systemd-notify exits after its barrier
            }
            notify.close();
            List<String> lines = awaitLines(received, 3);
            assertTrue(notify.ready(), "systemd-notify exited 0; receiver log: " + Files.readString(dir.resolve("receiver.log")));
            assertTrue(lines.get(0).contains("STATUS=waiting for /readyz"), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("READY=1") && l.contains("STATUS=serving metrics.k8s.io")), lines.toString());
        } finally {
            python.destroy();
            python.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void readyzProbeOverLoopbackHttps() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "keytool")), "no keytool");
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, Files.readString(dir.resolve("keytool.log")));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);

        AtomicInteger status = new AtomicInteger(500);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/readyz", exchange -> {
            byte[] body = (status.get() == 200 ? "[+]ping ok\nreadyz check passed\n"
                    : "[+]ping ok\n[-]metric-storage-ready failed: reason withheld\nreadyz check failed\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertEquals("waiting for /readyz (500: metric-storage-ready failed: reason withheld)",
                    SystemdNotify.LoopbackReadiness.health("127.0.0.1", port, "/readyz"));
            status.set(200);
            assertNull(SystemdNotify.LoopbackReadiness.health("127.0.0.1", port, "/readyz"));
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertTrue(SystemdNotify.LoopbackReadiness.health("127.0.0.1", closed, "/livez").startsWith("waiting for the listener on 127.0.0.1:"));
        assertEquals("127.0.0.1", SystemdNotify.LoopbackReadiness.loopbackFor("0.0.0.0"));
        assertEquals("::1", SystemdNotify.LoopbackReadiness.loopbackFor("::"));
        assertEquals("192.0.2.10", SystemdNotify.LoopbackReadiness.loopbackFor("192.0.2.10"));
    }
}
