package io.kma.kube.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The bearer token of a kubeconfig: a fixed {@code token}, or a {@code tokenFile} re-read whenever its
 * modification time or size changes (projected service-account tokens are rotated in place). When the
 * file cannot be read the last good token is kept, as client-go does.
 */
final class BearerToken {

    private final String fixed;
    private final Path file;
    private FileTime lastModified;
    private long lastSize = -1;
    private String fromFile;

    BearerToken(String fixed, Path file) {
        this.fixed = fixed;
        this.file = file;
    }

    /** The token to send now, or null for none. */
    synchronized String current() throws IOException {
        if (file == null) {
            return fixed;
        }
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (fromFile == null || !mtime.equals(lastModified) || size != lastSize) {
                String t = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!t.isEmpty()) {
                    fromFile = t;
                    lastModified = mtime;
                    lastSize = size;
                }
            }
        } catch (IOException e) {
            if (fromFile == null && fixed == null) {
                throw new IOException("token file " + file + " not readable");
            }
        }
        return fromFile != null ? fromFile : fixed;
    }
}
