package io.kma.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What is cheaply known about a file without reading it: modification time, size and identity
 * (inode). Identity catches an atomic replace (Kubernetes secret volumes, {@code mv}) that keeps the
 * same time and size.
 */
record FileStamp(long modifiedNanos, long size, Object fileKey) {

    static final FileStamp MISSING = new FileStamp(-1, -1, null);

    static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class); // follows symlinks
            return new FileStamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(),
                    a.fileKey());
        } catch (IOException e) {
            return MISSING;
        }
    }
}
