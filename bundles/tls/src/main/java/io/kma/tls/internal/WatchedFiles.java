package io.kma.tls.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.tls.TlsException;

/**
 * A value loaded from files that follows those files: on use, at most once per check interval, the
 * files' stamps are compared with those of the last load and the value is re-read when they differ.
 * A changed file that does not load keeps the last good value and is reported by one warning (per
 * distinct broken state, so a half-written rotation does not flood the log).
 *
 * @param <T> what the files hold
 */
final class WatchedFiles<T> {

    /** Loads the value; the message of the exception names the file and the problem. */
    interface Loader<T> {
        T load() throws TlsException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WatchedFiles.class);

    private final List<Path> files;
    private final Loader<T> loader;
    private final Function<T, String> describer;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final AtomicLong nextCheck;

    private volatile Loaded<T> loaded;
    private List<FileStamp> failedStamps; // guarded by this

    private record Loaded<T>(T value, List<FileStamp> stamps) {
    }

    /** Loads once now; a failure here is the caller's error (there is no last good value yet). */
    WatchedFiles(List<Path> files, Loader<T> loader, Function<T, String> describer, LongSupplier nanoClock,
            long intervalNanos) throws TlsException {
        this.files = List.copyOf(files);
        this.loader = loader;
        this.describer = describer;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        List<FileStamp> stamps = stamps();
        this.loaded = new Loaded<>(loader.load(), stamps);
        this.nextCheck = new AtomicLong(nanoClock.getAsLong() + intervalNanos);
    }

    /** The current value, re-read first when the files changed and the interval has passed. */
    T current() {
        long now = nanoClock.getAsLong();
        long due = nextCheck.get();
        // One caller per interval wins the check; the others use the value they find.
        if (now - due >= 0 && nextCheck.compareAndSet(due, now + intervalNanos)) {
            refresh();
        }
        return loaded.value();
    }

    private synchronized void refresh() {
        List<FileStamp> stamps = stamps();
        if (stamps.equals(loaded.stamps()) || stamps.equals(failedStamps)) {
            return;
        }
        try {
            T value = loader.load();
            loaded = new Loaded<>(value, stamps);
            failedStamps = null;
            LOG.info("Reloaded {} ({})", describeFiles(), describer.apply(value));
        } catch (TlsException e) {
            failedStamps = stamps;
            LOG.warn("Keeping the previous material: changed file does not load: {}", e.getMessage());
        }
    }

    private List<FileStamp> stamps() {
        return files.stream().map(FileStamp::of).toList();
    }

    private String describeFiles() {
        return Arrays.toString(files.toArray());
    }
}
