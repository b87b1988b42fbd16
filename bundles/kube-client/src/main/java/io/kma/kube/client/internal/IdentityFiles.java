package io.kma.kube.client.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Base64;
import java.util.Set;

/**
 * The identity's files in one directory: {@code client.key} (0600, the service user's), {@code client.crt} and
 * {@code kubeconfig} (0644, naming the two files so that a renewal needs no restart). The directory must belong to
 * the user running the command (root on a host) and be writable by nobody else: root then writes into a place the
 * service user cannot redirect with a symlink, and every file is replaced by an atomic rename.
 */
final class IdentityFiles {

    static final String KEY = "client.key";
    static final String CERTIFICATE = "client.crt";
    static final String KUBECONFIG = "kubeconfig";
    static final String USER = "system:kube-metrics-appliance";

    private final Path dir;

    IdentityFiles(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path key() {
        return dir.resolve(KEY);
    }

    Path certificate() {
        return dir.resolve(CERTIFICATE);
    }

    Path kubeconfig() {
        return dir.resolve(KUBECONFIG);
    }

    /**
     * Looks up the key's owner (null: none), before any request is made, so that a mistyped {@code --owner}
     * costs no certificate.
     */
    UserPrincipal owner(String name) throws IOException {
        if (name == null) {
            return null;
        }
        try {
            return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("--owner " + name + ": no such user on this host (the RPM creates kube-metrics-appliance)");
        }
    }

    /** Creates the directory (0755) or checks that nobody but its owner, the current user, can write to it. */
    void prepare() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            return;
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (!a.isDirectory()) {
            throw new IOException(dir + " is not a directory");
        }
        if (!a.owner().getName().equals(me) || a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " must belong to " + me + " and be writable by nobody else (it is "
                    + a.owner().getName() + ":" + a.group().getName() + " " + PosixFilePermissions.toString(a.permissions())
                    + "); fix: chown " + me + " " + dir + " && chmod go-w " + dir);
        }
    }

    /** Writes the key, then the certificate, then the kubeconfig; {@code keyOwner} (may be null) gets the key. */
    void write(String keyPem, String certificatePem, Kubeconfig submitter, String caPem, UserPrincipal keyOwner)
            throws IOException {
        replace(key(), keyPem, "rw-------", keyOwner);
        replace(certificate(), certificatePem, "rw-r--r--", null);
        replace(kubeconfig(), kubeconfigYaml(submitter, caPem), "rw-r--r--", null);
    }

    private String kubeconfigYaml(Kubeconfig submitter, String caPem) {
        StringBuilder y = new StringBuilder();
        y.append("# written by kube-metrics-appliance identity: the appliance's own identity (").append(USER)
                .append("),\n# for kube-apiserver and the kubelets; renewed by kube-metrics-appliance-identity.timer\n");
        y.append("apiVersion: v1\nkind: Config\nclusters:\n- name: kubernetes\n  cluster:\n");
        y.append("    server: ").append(quote(submitter.server().toString())).append('\n');
        if (caPem != null) {
            y.append("    certificate-authority-data: ")
                    .append(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII))).append('\n');
        }
        if (submitter.insecureSkipTlsVerify()) {
            y.append("    insecure-skip-tls-verify: true\n");
        }
        if (submitter.tlsServerName() != null) {
            y.append("    tls-server-name: ").append(quote(submitter.tlsServerName())).append('\n');
        }
        y.append("contexts:\n- name: appliance\n  context:\n    cluster: kubernetes\n    user: ").append(quote(USER)).append('\n');
        y.append("current-context: appliance\nusers:\n- name: ").append(quote(USER)).append("\n  user:\n");
        y.append("    client-certificate: ").append(quote(certificate().toString())).append('\n');
        y.append("    client-key: ").append(quote(key().toString())).append('\n');
        return y.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A fresh file (O_EXCL, so never through a planted link) with its mode and owner set, renamed over the old one. */
    private void replace(Path target, String text, String mode, UserPrincipal owner) throws IOException {
        Path tmp = dir.resolve("." + target.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        // Created with its mode (not chmod-ed after): nobody can open the key file before it is private.
        try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(perms)))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.setPosixFilePermissions(tmp, perms);
        if (owner != null) {
            Files.getFileAttributeView(tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(owner);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
