package io.kma.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether code in a file may be loaded: the file and every directory above it must belong to a trusted owner and
 * be writable by nobody else, so that no other user (above all the service's own user, which an attacker who took
 * over the appliance holds) can plant or swap a jar that root, or the service after a restart, would run. Trusted
 * are root and the owner of the distribution's {@code bundles/} (who decides what runs anyway: root for the RPM,
 * the developer for a build tree). A root-owned directory with the sticky bit ({@code /tmp}) is accepted above the
 * file, as its other users cannot rename or delete what they do not own.
 */
final class DeployTrust {

    private static final int GROUP_WRITE = 0020;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;

    private final Set<String> owners;

    private DeployTrust(Set<String> owners) {
        this.owners = owners;
    }

    /** Root and the owner of {@code home/bundles}. */
    static DeployTrust forHome(Path home) {
        String bundlesOwner;
        try {
            bundlesOwner = Files.getOwner(home.resolve("bundles")).getName();
        } catch (IOException | UnsupportedOperationException e) {
            bundlesOwner = "root";
        }
        return new DeployTrust(new TreeSet<>(List.of("root", bundlesOwner)));
    }

    /** Null when {@code file} may be loaded; else why not, naming the path and its owner and mode. */
    String whyUntrusted(Path file) {
        Path p = file.toAbsolutePath().normalize();
        String why = check(p);
        if (why != null) {
            return why;
        }
        try {
            Path real = p.toRealPath();
            return real.equals(p) ? null : check(real);
        } catch (IOException e) {
            return p + " cannot be resolved: " + e.getMessage();
        }
    }

    private String check(Path path) {
        for (Path p = path; p != null; p = p.getParent()) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                String owner = a.owner().getName();
                boolean stickyRootDir = p != path && a.isDirectory() && (mode & STICKY) != 0 && "root".equals(owner);
                // A symbolic link's mode is always 0777 and means nothing: it cannot be changed, only replaced, which
                // its directory's check covers; its target is checked on the real path (whyUntrusted).
                boolean writable = !a.isSymbolicLink() && (mode & (GROUP_WRITE | OTHER_WRITE)) != 0 && !stickyRootDir;
                if (!owners.contains(owner) || writable) {
                    return p + " is " + owner + ":" + a.group().getName() + " " + String.format("%04o", mode & 07777)
                            + ": it must belong to " + String.join(" or ", owners)
                            + " and be writable by nobody else";
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "cannot check " + p + ": " + e.getMessage();
            }
        }
        return null;
    }
}
