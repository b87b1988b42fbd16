package io.kma.kubelet.auth.token.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token kept in a file that may be rotated (a projected service-account token, a secret
 * mount). The file's modification time, size and identity are checked at most once per second on use;
 * the token is re-read only when one of them changed. A missing, unreadable or empty file yields no
 * token and one log line per change of state, and is picked up again when it becomes usable.
 */
final class TokenFile {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    private static final long MAX_TOKEN_BYTES = 64 * 1024;

    /** What was last read. {@code problem} is null when {@code token} is present. */
    private record State(Optional<String> token, Object fileKey, long modifiedMillis, long size, String problem) {
    }

    private final Path path;
    private final LongSupplier nanoClock;
    private volatile State state = new State(Optional.empty(), null, -1, -1, "not read yet");
    private volatile long nextCheckNanos;
    private boolean checkedOnce;

    TokenFile(Path path, LongSupplier nanoClock) {
        this.path = path;
        this.nanoClock = nanoClock;
        refresh(); // reports the initial state at once
    }

    Optional<String> token() {
        if (nanoClock.getAsLong() - nextCheckNanos >= 0) {
            refresh();
        }
        return state.token();
    }

    Path path() {
        return path;
    }

    /** Why there is no token, or null when there is one. */
    String problem() {
        return state.problem();
    }

    private synchronized void refresh() {
        long now = nanoClock.getAsLong();
        if (checkedOnce && now - nextCheckNanos < 0) {
            return; // another thread just checked
        }
        checkedOnce = true;
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        State old = state;
        State next;
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            long modified = attrs.lastModifiedTime().toMillis();
            if (old.problem() == null && Objects.equals(old.fileKey(), attrs.fileKey())
                    && old.modifiedMillis() == modified && old.size() == attrs.size()) {
                return; // unchanged: keep the token without reading the file
            }
            next = read(attrs, modified);
        } catch (NoSuchFileException e) {
            next = failed("no such file");
        } catch (AccessDeniedException e) {
            next = failed("permission denied");
        } catch (IOException e) {
            next = failed(String.valueOf(e.getMessage()));
        }
        state = next;
        report(old, next);
    }

    private State read(BasicFileAttributes attrs, long modified) throws IOException {
        if (attrs.isDirectory()) {
            return failed("is a directory");
        }
        if (attrs.size() > MAX_TOKEN_BYTES) {
            return failed("larger than " + MAX_TOKEN_BYTES + " bytes, not a token");
        }
        String token = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
            return new State(Optional.empty(), attrs.fileKey(), modified, attrs.size(), "empty file");
        }
        return new State(Optional.of(token), attrs.fileKey(), modified, attrs.size(), null);
    }

    private static State failed(String problem) {
        return new State(Optional.empty(), null, -1, -1, problem);
    }

    /** One line per change of state; never the token itself. */
    private void report(State old, State next) {
        if (next.problem() == null) {
            if (old.problem() == null) {
                LOG.info("bearer token file {} changed, using the new token", path);
            } else {
                LOG.info("bearer token read from {}", path);
            }
        } else if (!next.problem().equals(old.problem())) {
            LOG.warn("bearer token file {} unusable ({}): kubelets are called without a token until it is fixed", path,
                    next.problem());
        }
    }
}
