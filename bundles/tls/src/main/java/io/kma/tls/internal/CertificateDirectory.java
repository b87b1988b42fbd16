package io.kma.tls.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.kma.api.tls.TlsException;

/**
 * Writes the self-signed pair into the cert directory: the directory is created 0700, the key is
 * created 0600 before any byte is written (never world-readable, even briefly), and each file is
 * written to a temporary name and renamed so a reader never sees half a file.
 */
final class CertificateDirectory {

    static final String CERT_FILE = "apiserver.crt";
    static final String KEY_FILE = "apiserver.key";

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path dir;

    CertificateDirectory(Path dir) {
        this.dir = dir;
    }

    Path certificate() {
        return dir.resolve(CERT_FILE);
    }

    Path privateKey() {
        return dir.resolve(KEY_FILE);
    }

    void write(SelfSignedCertificate pair) throws TlsException {
        createDirectory();
        // Key first: a reader that finds the new certificate also finds its key.
        writeAtomically(privateKey(), pair.keyPem(), KEY_MODE);
        writeAtomically(certificate(), pair.chainPem(), CERT_MODE);
    }

    private void createDirectory() throws TlsException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, attributes(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            throw new TlsException(dir + ": exists and is not a directory");
        } catch (AccessDeniedException e) {
            throw new TlsException(dir + ": cannot create directory: permission denied");
        } catch (IOException e) {
            throw new TlsException(dir + ": cannot create directory: " + e.getMessage());
        }
    }

    private void writeAtomically(Path target, String content, Set<PosixFilePermission> mode) throws TlsException {
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes(mode));
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            throw new TlsException(target + ": cannot write: permission denied");
        } catch (IOException e) {
            throw new TlsException(target + ": cannot write: " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is in our own directory and harmless
                }
            }
        }
    }

    private FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }
}
