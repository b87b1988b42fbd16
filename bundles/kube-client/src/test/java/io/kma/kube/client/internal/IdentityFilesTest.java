package io.kma.kube.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFilesTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryOthersMayWriteIsRefusedBeforeAnyRequest() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("identity"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        IOException e = assertThrows(IOException.class, () -> new IdentityFiles(shared).prepare());
        assertTrue(e.getMessage().contains("must belong to " + System.getProperty("user.name")
                + " and be writable by nobody else"), e.getMessage());
        IOException owner = assertThrows(IOException.class, () -> new IdentityFiles(shared).owner("no-such-user-kma"));
        assertEquals("--owner no-such-user-kma: no such user on this host (the RPM creates kube-metrics-appliance)",
                owner.getMessage());
    }

    @Test
    void filesGetTheirModesAndAPlantedLinkIsReplacedNotFollowed() throws Exception {
        IdentityFiles files = new IdentityFiles(dir.resolve("identity"));
        files.prepare();
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Files.createSymbolicLink(files.key(), victim);
        Kubeconfig kc = new Kubeconfig(dir.resolve("admin.conf"), "admin", URI.create("https://10.0.0.1:6443"), null, false,
                null, null, null, null, null);
        files.write("KEY", "CERT", kc, "CA", files.owner(System.getProperty("user.name")));
        assertEquals("untouched", Files.readString(victim));
        assertTrue(!Files.isSymbolicLink(files.key()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key())));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.kubeconfig())));
        String yaml = Files.readString(files.kubeconfig());
        assertTrue(yaml.contains("server: \"https://10.0.0.1:6443\"") && yaml.contains("client-key: \"" + files.key() + "\""), yaml);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("identity"))));
    }
}
