package io.kma.kubelet.auth.token.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenKubeletCredentialsTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    private TokenKubeletCredentials credentials(Path file) {
        TokenKubeletCredentials c = new TokenKubeletCredentials();
        c.use(new TokenFile(file, clock::get));
        return c;
    }

    private void tick(long millis) {
        clock.addAndGet(millis * 1_000_000L);
    }

    @Test
    void readsTrimmedTokenAndDescribesItsFile() throws IOException {
        Path f = Files.writeString(dir.resolve("token"), "  abc.def.ghi\n");
        TokenKubeletCredentials c = credentials(f);
        assertEquals(Optional.of("abc.def.ghi"), c.bearerToken());
        assertEquals("bearer token from " + f, c.describe());
        assertTrue(c.keyManager().isEmpty());
    }

    @Test
    void rotatedFileIsReReadAtMostOncePerSecond() throws IOException {
        Path f = Files.writeString(dir.resolve("token"), "first");
        TokenKubeletCredentials c = credentials(f);
        assertEquals(Optional.of("first"), c.bearerToken());

        Files.writeString(f, "second-token");
        tick(500);
        assertEquals(Optional.of("first"), c.bearerToken(), "not checked again within a second");
        tick(500);
        assertEquals(Optional.of("second-token"), c.bearerToken());
    }

    @Test
    void sameSizeRewriteIsNoticedThroughModificationTime() throws IOException {
        Path f = Files.writeString(dir.resolve("token"), "aaaa");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
        TokenKubeletCredentials c = credentials(f);
        assertEquals(Optional.of("aaaa"), c.bearerToken());
        Files.writeString(f, "bbbb");
        Files.setLastModifiedTime(f, FileTime.fromMillis(2_000_000));
        tick(1000);
        assertEquals(Optional.of("bbbb"), c.bearerToken());
    }

    @Test
    void atomicallyReplacedFileIsNoticed() throws IOException {
        Path f = Files.writeString(dir.resolve("token"), "aaaa");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
        TokenKubeletCredentials c = credentials(f);
        assertEquals(Optional.of("aaaa"), c.bearerToken());
        Path staged = Files.writeString(dir.resolve("token.new"), "cccc");
        Files.setLastModifiedTime(staged, FileTime.fromMillis(1_000_000)); // same size and time: only the inode differs
        Files.move(staged, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tick(1000);
        assertEquals(Optional.of("cccc"), c.bearerToken());
    }

    @Test
    void missingFileGivesNoTokenAndRecoversWhenItAppears() throws IOException {
        Path f = dir.resolve("later");
        TokenKubeletCredentials c = credentials(f);
        assertTrue(c.bearerToken().isEmpty());
        assertEquals("bearer token from " + f + " (unreadable: no such file)", c.describe());

        Files.writeString(f, "now-here");
        tick(1000);
        assertEquals(Optional.of("now-here"), c.bearerToken());
        assertEquals("bearer token from " + f, c.describe());

        Files.delete(f);
        tick(1000);
        assertTrue(c.bearerToken().isEmpty(), "a deleted token is not used any more");
    }

    @Test
    void emptyFileGivesNoToken() throws IOException {
        Path f = Files.writeString(dir.resolve("token"), " \n");
        TokenKubeletCredentials c = credentials(f);
        assertTrue(c.bearerToken().isEmpty());
        assertEquals("bearer token from " + f + " (unreadable: empty file)", c.describe());
    }

    @Test
    void configuredThroughActivateAndModified() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "token-a");
        Path b = Files.writeString(dir.resolve("b"), "token-b");
        TokenKubeletCredentials c = new TokenKubeletCredentials();
        c.activate(config(""));
        assertTrue(c.bearerToken().isEmpty());
        assertEquals("bearer token (kubelet.tokenFile not set)", c.describe());
        c.modified(config(a.toString()));
        assertEquals(Optional.of("token-a"), c.bearerToken());
        c.modified(config(b.toString()));
        assertEquals(Optional.of("token-b"), c.bearerToken());
        assertEquals("bearer token from " + b, c.describe());
    }

    private static TokenConfiguration config(String file) {
        return new TokenConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TokenConfiguration.class;
            }

            @Override
            public String tokenFile() {
                return file;
            }
        };
    }
}
