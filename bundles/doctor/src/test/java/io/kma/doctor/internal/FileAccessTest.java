package io.kma.doctor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mode-bit reasoning for a user other than the one running the test: the files belong to the test's user, the
 * "service user" exists only in the test's passwd and group files.
 */
class FileAccessTest {

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void openTempDir() throws Exception {
        // JUnit creates it rwx------; the tests want only their own files' modes to matter
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Accounts.User serviceUser(boolean inFilesGroup) throws Exception {
        Path probe = dir.resolve("probe");
        if (!Files.exists(probe)) {
            Files.createFile(probe);
        }
        String group = Files.readAttributes(probe, PosixFileAttributes.class).group().getName();
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                + "kma-svc:x:990:990::/var/lib/kma:/sbin/nologin\n");
        Path groups = Files.writeString(dir.resolve("group"), "kma-svc:x:990:\n"
                + (inFilesGroup ? group + ":x:4242:kma-svc\n" : ""));
        return new Accounts(passwd, groups).user("kma-svc").orElseThrow();
    }

    private Path file(String mode) throws Exception {
        Path f = Files.writeString(dir.resolve("key-" + mode + ".pem"), "secret");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void ownerOnlyKeyIsUnreadableForAnotherUser() throws Exception {
        Accounts.User u = serviceUser(false);
        String why = FileAccess.whyUnreadable(u, file("rw-------"));
        assertTrue(why != null && why.startsWith("cannot read ") && why.endsWith(" rw-------)"), why);
        assertNull(FileAccess.whyUnreadable(u, file("rw-r--r--")));
    }

    @Test
    void groupReadCountsOnlyForMembers() throws Exception {
        assertTrue(FileAccess.whyUnreadable(serviceUser(false), file("rw-r-----")) != null);
        assertNull(FileAccess.whyUnreadable(serviceUser(true), file("rw-r-----")));
    }

    @Test
    void aClosedDirectoryAboveTheFileIsNamed() throws Exception {
        Accounts.User u = serviceUser(false);
        Path pki = Files.createDirectory(dir.resolve("pki"));
        Path key = Files.writeString(pki.resolve("ca.crt"), "x");
        Files.setPosixFilePermissions(pki, PosixFilePermissions.fromString("rwx------"));
        assertEquals("cannot enter " + pki.toRealPath() + " (", FileAccess.whyUnreadable(u, key).substring(0,
                ("cannot enter " + pki.toRealPath() + " (").length()));
    }

    @Test
    void unknownUserIsEmpty() throws Exception {
        serviceUser(false);
        assertTrue(new Accounts(dir.resolve("passwd"), dir.resolve("group")).user("nobody-here").isEmpty());
        assertEquals(Set.of("kma-svc"), serviceUser(false).groups(), "the primary group by its gid");
    }
}
