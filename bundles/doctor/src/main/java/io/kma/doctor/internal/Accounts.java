package io.kma.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Users and groups from passwd(5) and group(5) files: enough to say what a user may read by mode bits. */
final class Accounts {

    /** A user, and the names of its primary and supplementary groups. */
    record User(String name, Set<String> groups) {
    }

    private final Path passwd;
    private final Path group;

    Accounts(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    static Accounts system() {
        return new Accounts(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    Optional<User> user(String name) throws IOException {
        String gid = null;
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(name)) {
                gid = f[3];
                break;
            }
        }
        if (gid == null) {
            return Optional.empty();
        }
        Set<String> groups = new HashSet<>();
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length < 4) {
                continue;
            }
            if (f[2].equals(gid) || Set.of(f[3].split(",")).contains(name)) {
                groups.add(f[0]);
            }
        }
        return Optional.of(new User(name, Set.copyOf(groups)));
    }

    private static Iterable<String> lines(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllLines(p) : java.util.List.of();
    }
}
