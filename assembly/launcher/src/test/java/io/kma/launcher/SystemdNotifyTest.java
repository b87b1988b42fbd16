package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
}
