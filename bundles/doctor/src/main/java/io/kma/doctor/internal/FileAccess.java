package io.kma.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a user (not the one running the doctor, typically root) can read a file by its mode bits: search
 * permission on every directory above it, read permission on the file. ACLs are not read.
 */
final class FileAccess {

    private FileAccess() {
    }

    /** Null when {@code user} can read {@code file}; else why not, e.g. "/etc/kubernetes/pki/x.key is root:root 0600". */
    static String whyUnreadable(Accounts.User user, Path file) throws IOException {
        Path real = file.toRealPath();
        List<Path> dirs = new ArrayList<>();
        for (Path d = real.getParent(); d != null; d = d.getParent()) {
            dirs.add(0, d);
        }
        for (Path d : dirs) {
            PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class);
            if (!allowed(user, a, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE)) {
                return "cannot enter " + d + " (" + describe(a) + ")";
            }
        }
        PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!allowed(user, a, PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ)) {
            return "cannot read " + real + " (" + describe(a) + ")";
        }
        return null;
    }

    private static boolean allowed(Accounts.User user, PosixFileAttributes a, PosixFilePermission owner,
            PosixFilePermission group, PosixFilePermission others) {
        if (a.owner().getName().equals(user.name())) {
            return a.permissions().contains(owner);
        }
        if (user.groups().contains(a.group().getName())) {
            return a.permissions().contains(group);
        }
        return a.permissions().contains(others);
    }

    private static String describe(PosixFileAttributes a) {
        return a.owner().getName() + ":" + a.group().getName() + " " + PosixFilePermissions.toString(a.permissions());
    }
}
