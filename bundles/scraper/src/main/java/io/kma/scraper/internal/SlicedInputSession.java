package io.kma.scraper.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.locks.Lock;

import org.apache.hc.core5.function.Decorator;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * An {@link IOSession} whose protocol handler receives decrypted input in slices of at most {@code slice} bytes.
 *
 * <p>Why: HttpCore's HTTP/1.1 duplexer copies each input buffer it is handed whole into its session input buffer,
 * which grows to fit and never shrinks. Over TLS that buffer is a whole record's plaintext, so every kept-alive
 * kubelet connection held an input buffer the size of the largest record its kubelet ever sent (16 KiB from a JDK
 * or a proxy, 4 KiB from a Go kubelet's 4 KiB writes) for as long as it lived: ~80 MB of the heap at 5,000 nodes
 * against the simulator. Handed at most the buffer's own size per call, the duplexer drains it each time (as it
 * does when records are small) and it stays at its initial size. TLS records cut data at arbitrary places anyway,
 * so a slice boundary is nothing a handler has not seen; the copying is the same, only the calls are more.
 *
 * <p>This is HttpClient's own decoration point ({@code setIoSessionDecorator}): the reactor decorates each session,
 * plain and then TLS, and every protocol handler installed through {@link #upgrade} is wrapped. The TLS layer hands
 * its plaintext to the handler of the underlying session, the wrapped one. It takes the place of HttpClient's default
 * decorator, the one behind its {@code org.apache.hc.client5.http.wire} debug log, so that log stays silent for
 * kubelet connections (it would print their bearer tokens).
 */
final class SlicedInputSession implements IOSession {

    private final IOSession session;
    private final int slice;

    private SlicedInputSession(IOSession session, int slice) {
        this.session = session;
        this.slice = slice;
    }

    /** Decorates sessions so that their protocol handlers get input in slices of at most {@code slice} bytes. */
    static Decorator<IOSession> decorator(int slice) {
        if (slice < 1) {
            throw new IllegalArgumentException("slice must be positive: " + slice);
        }
        return session -> new SlicedInputSession(session, slice);
    }

    @Override
    public void upgrade(IOEventHandler handler) {
        session.upgrade(handler instanceof SlicingHandler ? handler : new SlicingHandler(handler, slice));
    }

    @Override
    public IOEventHandler getHandler() {
        return session.getHandler();
    }

    /** The handler given to {@link #upgrade}, with its input cut into slices. */
    static final class SlicingHandler implements IOEventHandler {

        private final IOEventHandler handler;
        private final int slice;

        SlicingHandler(IOEventHandler handler, int slice) {
            this.handler = handler;
            this.slice = slice;
        }

        IOEventHandler handler() {
            return handler;
        }

        @Override
        public void inputReady(IOSession s, ByteBuffer src) throws IOException {
            if (src == null || src.remaining() <= slice) {
                handler.inputReady(s, src);
                return;
            }
            int end = src.limit();
            try {
                while (src.position() < end) {
                    int sliceEnd = Math.min(end, src.position() + slice);
                    src.limit(sliceEnd);
                    handler.inputReady(s, src);
                    if (src.position() < sliceEnd) {
                        // The handler kept part of its slice (it failed, or it is not HttpCore's duplexer, which
                        // always takes everything): give it the rest at once, as the whole buffer would have come.
                        src.limit(end);
                        handler.inputReady(s, src);
                        return;
                    }
                }
            } finally {
                src.limit(end);
            }
        }

        @Override
        public void connected(IOSession s) throws IOException {
            handler.connected(s);
        }

        @Override
        public void outputReady(IOSession s) throws IOException {
            handler.outputReady(s);
        }

        @Override
        public void timeout(IOSession s, Timeout timeout) throws IOException {
            handler.timeout(s, timeout);
        }

        @Override
        public void exception(IOSession s, Exception cause) {
            handler.exception(s, cause);
        }

        @Override
        public void disconnected(IOSession s) {
            handler.disconnected(s);
        }
    }

    // everything else is the session's own

    @Override
    public Lock getLock() {
        return session.getLock();
    }

    @Override
    public void enqueue(Command command, Command.Priority priority) {
        session.enqueue(command, priority);
    }

    @Override
    public boolean hasCommands() {
        return session.hasCommands();
    }

    @Override
    public Command poll() {
        return session.poll();
    }

    @Override
    public ByteChannel channel() {
        return session.channel();
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return session.getRemoteAddress();
    }

    @Override
    public SocketAddress getLocalAddress() {
        return session.getLocalAddress();
    }

    @Override
    public int getEventMask() {
        return session.getEventMask();
    }

    @Override
    public void setEventMask(int ops) {
        session.setEventMask(ops);
    }

    @Override
    public void setEvent(int op) {
        session.setEvent(op);
    }

    @Override
    public void clearEvent(int op) {
        session.clearEvent(op);
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public void close(CloseMode closeMode) {
        session.close(closeMode);
    }

    @Override
    public Status getStatus() {
        return session.getStatus();
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public Timeout getSocketTimeout() {
        return session.getSocketTimeout();
    }

    @Override
    public void setSocketTimeout(Timeout timeout) {
        session.setSocketTimeout(timeout);
    }

    @Override
    public long getLastReadTime() {
        return session.getLastReadTime();
    }

    @Override
    public long getLastWriteTime() {
        return session.getLastWriteTime();
    }

    @Override
    public long getLastEventTime() {
        return session.getLastEventTime();
    }

    @Override
    public void updateReadTime() {
        session.updateReadTime();
    }

    @Override
    public void updateWriteTime() {
        session.updateWriteTime();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return session.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return session.write(src);
    }

    @Override
    public String getId() {
        return session.getId();
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
