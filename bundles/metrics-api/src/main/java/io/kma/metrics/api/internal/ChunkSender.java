package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

import io.undertow.server.HttpServerExchange;

/**
 * A large response body written by the connection's I/O thread, a chunk at a time, while the worker thread
 * assembles the next chunk. Over HTTP/2 Undertow's blocking stream sends one 16 KiB DATA frame per hand-off
 * between the worker and the I/O thread (the worker waits for each frame to be flushed before it may fill the
 * next: ~7,000 waits for a 108 MB list), whereas on the I/O thread a stream write queues and flushes its frame
 * at once, so a whole chunk goes out as many frames in one task (testing/benchmarks/README.md, i14t, i14v).
 * Over HTTP/1.1 the worker's assembly overlaps the I/O thread's encryption and socket writes.
 * <p>
 * Bounded: two chunk arrays per response; the worker waits while both are being written (a slow client
 * slows the worker down, nothing queues beyond them). Every wait ends with an {@link IOException} when the
 * write fails (client gone, stream reset), when the connection is closed (the listener's request deadline
 * closes a started response's connection), or when no chunk was written for {@link #STALL_NANOS} (by default). The
 * channel is touched only on the I/O thread, where the listener's deadline also runs; the worker
 * {@link #finish() finishes} the body (waits until it is flushed, so the exchange it then ends is complete)
 * or {@link #close() closes} it unfinished (the connection is closed: a body cut short must not look
 * complete), and only then returns to end the exchange.
 * <p>
 * The worker must write outside Undertow's handler call (as {@code HandlerRoutes} dispatches, a plain
 * {@code Runnable}): within it the response channel defers {@code resumeWrites()} until the call returns, so a
 * chunk that met a full socket would wait for {@link #STALL_NANOS}.
 */
final class ChunkSender extends OutputStream {

    /** Bytes handed to the I/O thread at a time. */
    static final int CHUNK = 256 * 1024;
    /**
     * The longest a worker waits for one chunk to be written before it gives up on the client: the bound for an
     * HTTP/2 stream reset while its flow-control window was exhausted, which Undertow neither flushes nor closes
     * (its held frame waits for a window update that never comes; its blocking stream waits up to 10 minutes).
     * Upstream's default request timeout.
     */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How often a waiting worker looks whether the connection was closed under it. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final HttpServerExchange exchange;
    private final long stallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    /** Chunk arrays free for the worker to fill (guarded by lock). */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>(2);
    /** Chunks handed over and not yet written (I/O thread only). */
    private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>(2);
    private final ChannelListener<StreamSinkChannel> writable = this::writeQueued;
    private byte[] chunk;
    private int filled;
    private int allocated;
    private boolean finished;
    // guarded by lock
    private long written;
    private IOException failure;
    private boolean done;
    // I/O thread only
    private StreamSinkChannel channel;
    private boolean lastQueued;
    private boolean shutDown;
    private boolean stopped;

    ChunkSender(HttpServerExchange exchange, long stallNanos) {
        this.exchange = exchange;
        this.stallNanos = stallNanos;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (chunk == null) {
                chunk = take();
                filled = 0;
            }
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == chunk.length) {
                hand(false);
            }
        }
    }

    /** Nothing: chunks go out when full, the rest at {@link #finish()}. */
    @Override
    public void flush() {
    }

    /** Sends what is left, ends the body and waits until it is flushed. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        if (chunk == null) {
            chunk = new byte[0];
            filled = 0;
        }
        hand(true);
        finished = true;
        awaitDone();
    }

    /**
     * Unless the body was sent in full: stops the I/O thread's writing and closes the connection (the body is
     * cut short; over HTTP/2 that resets the stream, as upstream does), and waits (bounded) until that happened,
     * so that the exchange the caller ends next is no longer written to from the I/O thread.
     */
    @Override
    public void close() {
        if (allocated == 0) {
            return; // nothing handed over: the exchange is the caller's as before
        }
        finished = true;
        lock.lock();
        try {
            if (done) {
                return;
            }
            exchange.getIoThread().execute(() -> stop(new IOException("response abandoned by its writer")));
            long deadline = System.nanoTime() + POLL_NANOS * 10;
            long left;
            while (!done && (left = deadline - System.nanoTime()) > 0) {
                progress.awaitNanos(left); // the I/O thread runs the stop task next, whatever the connection's state
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            boolean stopped = done;
            lock.unlock();
            if (!stopped) {
                // the I/O thread is behind (or we were interrupted): close from here rather than let the caller's
                // endExchange finish a cut-short body (HTTP/1.1's last chunk would make it look complete)
                IoUtils.safeClose(exchange.getConnection());
            }
        }
    }

    /** On the worker: hands the current chunk over. */
    private void hand(boolean last) {
        ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, filled);
        chunk = null;
        exchange.getIoThread().execute(() -> queue(bytes, last));
    }

    /** On the worker: a free chunk array, waiting while both are being written. */
    private byte[] take() throws IOException {
        lock.lock();
        try {
            if (free.isEmpty() && allocated < 2) {
                allocated++;
                return new byte[CHUNK];
            }
            while (free.isEmpty()) {
                awaitProgress();
                if (done && free.isEmpty()) {
                    throw new IOException("the response has ended"); // stopped: no chunk comes back
                }
            }
            return free.poll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitDone() throws IOException {
        lock.lock();
        try {
            while (!done) {
                awaitProgress();
            }
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holding the lock: waits until the I/O thread wrote a chunk or finished, failing when it failed, when the
     * connection closed, or when no chunk was written for the stall bound.
     */
    private void awaitProgress() throws IOException {
        long seen = written;
        long stallDeadline = System.nanoTime() + stallNanos;
        while (written == seen) {
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            if (done) {
                return;
            }
            long left = stallDeadline - System.nanoTime();
            if (left <= 0) {
                IOException stalled = new IOException("the client took no data for "
                        + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms");
                exchange.getIoThread().execute(() -> stop(stalled));
                throw stalled;
            }
            if (!exchange.getConnection().isOpen()) {
                throw new IOException("connection closed while the response was written");
            }
            exchange.getIoThread().execute(this::probe);
            try {
                progress.awaitNanos(Math.min(left, POLL_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the response was written");
            }
        }
    }

    /** On the I/O thread. */
    private void queue(ByteBuffer bytes, boolean last) {
        if (stopped) {
            return;
        }
        queued.add(bytes);
        lastQueued |= last;
        if (channel == null) {
            if (exchange.isComplete() || (channel = exchange.getResponseChannel()) == null) {
                // the listener's deadline answered 504 before this body started
                stop(new IOException("the response was already answered"));
                return;
            }
            channel.getWriteSetter().set(writable);
        }
        if (queued.size() == 1) { // else the write listener is already on it
            writeQueued(channel);
        }
    }

    /** On the I/O thread: writes what is queued until the channel takes no more, then waits to be writable. */
    private void writeQueued(StreamSinkChannel c) {
        if (stopped) {
            return;
        }
        try {
            ByteBuffer head;
            while ((head = queued.peek()) != null) {
                while (head.hasRemaining()) {
                    if (c.write(head) == 0) {
                        c.resumeWrites();
                        return;
                    }
                }
                queued.poll();
                if (head.capacity() > 0) {
                    release(head.array());
                }
            }
            if (lastQueued) {
                if (!shutDown) {
                    shutDown = true;
                    c.shutdownWrites();
                }
                if (!c.flush()) {
                    c.resumeWrites();
                    return;
                }
                c.suspendWrites();
                c.getWriteSetter().set(null);
                stopped = true;
                signalDone(null);
            } else {
                c.suspendWrites();
            }
        } catch (IOException e) {
            stop(e);
        }
    }

    /**
     * On the I/O thread, while the worker waits: a reset or closed stream fails its flush, whether or not it
     * told the write listener (the listener's deadline resets an HTTP/2 stream, leaving the connection open).
     */
    private void probe() {
        if (stopped || channel == null) {
            return;
        }
        try {
            channel.flush();
        } catch (IOException e) {
            stop(e);
        }
    }

    /** On the I/O thread: no more writes; a body not yet ended takes its connection down with it. */
    private void stop(IOException cause) {
        if (stopped) {
            return;
        }
        stopped = true;
        queued.clear();
        if (channel != null) {
            channel.suspendWrites();
            channel.getWriteSetter().set(null);
            IoUtils.safeClose(exchange.getConnection()); // HTTP/2: resets this stream only
        }
        signalDone(cause);
    }

    private void release(byte[] array) {
        lock.lock();
        try {
            free.add(array);
            written++;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signalDone(IOException cause) {
        lock.lock();
        try {
            failure = cause;
            done = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
