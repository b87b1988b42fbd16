package io.kma.http.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

import io.undertow.protocols.ssl.UndertowXnioSsl;

/**
 * Accepts connections for the listener and closes, before any TLS or HTTP work, those beyond the
 * total cap or beyond the cap per client address; the rest go to Undertow's open listener. Runs on
 * the accepting I/O thread. Connections are tracked by their open state, not by close listeners
 * (Undertow sets its own on the same connection), and pruned when a cap is reached.
 */
final class ConnectionLimiter implements ChannelListener<AcceptingChannel<StreamConnection>> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
    /** Accepts per event at most, so one busy listener cannot starve the I/O thread's other work. */
    private static final int ACCEPTS_PER_EVENT = 64;

    private final ChannelListener<? super StreamConnection> next;
    private final int maxTotal;
    private final int maxPerClient;
    private final Map<InetAddress, List<StreamConnection>> open = new HashMap<>(); // guarded by this
    private int total; // guarded by this; may count closed connections until the next prune
    private final LongAdder refusedTotal = new LongAdder();
    private final LongAdder refusedPerClient = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));

    private final LongAdder refusedCounter;

    private final long handshakeMillis;

    /**
     * @param handshakeMillis a connection whose TLS handshake has not completed after this long is closed:
     *                        Undertow's own timeouts start with the first decrypted byte
     */
    ConnectionLimiter(ChannelListener<? super StreamConnection> next, int maxTotal, int maxPerClient,
            LongAdder refusedCounter, long handshakeMillis) {
        this.refusedCounter = refusedCounter;
        this.handshakeMillis = handshakeMillis;
        this.next = next;
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
    }

    @Override
    public void handleEvent(AcceptingChannel<StreamConnection> channel) {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            StreamConnection connection;
            try {
                connection = channel.accept();
            } catch (IOException e) {
                LOG.debug("accept failed: {}", e.toString());
                return;
            }
            if (connection == null) {
                return;
            }
            InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
            String refusal = admit(peer == null ? null : peer.getAddress(), connection);
            if (refusal == null) {
                if (connection instanceof SslConnection tls) {
                    connection.getIoThread().executeAfter(() -> closeUnlessHandshaken(tls), handshakeMillis,
                            TimeUnit.MILLISECONDS);
                }
                next.handleEvent(connection);
            } else {
                refusedCounter.increment(); // before the close, which the refused client may see at once
                IoUtils.safeClose(connection);
                logRefusal(peer, refusal);
            }
        }
    }

    private void closeUnlessHandshaken(SslConnection connection) {
        if (!connection.isOpen()) {
            return;
        }
        SSLEngine engine = UndertowXnioSsl.getSslEngine(connection);
        // Before the handshake completes the session is the null session.
        if (engine == null || "SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite())) {
            LOG.debug("closing a connection from {} that did not complete a TLS handshake in {} ms",
                    connection.getPeerAddress(), handshakeMillis);
            IoUtils.safeClose(connection);
        }
    }

    /** @return null when admitted (and counted), else why not */
    synchronized String admit(InetAddress client, StreamConnection connection) {
        if (total >= maxTotal) {
            prune();
            if (total >= maxTotal) {
                refusedTotal.increment();
                return "the listener has " + total + " open connections (maxConnections " + maxTotal + ")";
            }
        }
        List<StreamConnection> mine = open.computeIfAbsent(client, c -> new ArrayList<>());
        if (mine.size() >= maxPerClient) {
            total -= prune(mine);
            if (mine.size() >= maxPerClient) {
                refusedPerClient.increment();
                return "the client has " + mine.size() + " open connections (maxConnectionsPerClient " + maxPerClient + ")";
            }
        }
        mine.add(connection);
        total++;
        return null;
    }

    private void prune() {
        for (Iterator<List<StreamConnection>> it = open.values().iterator(); it.hasNext();) {
            List<StreamConnection> l = it.next();
            total -= prune(l);
            if (l.isEmpty()) {
                it.remove();
            }
        }
    }

    private static int prune(List<StreamConnection> l) {
        int before = l.size();
        l.removeIf(c -> !c.isOpen());
        return before - l.size();
    }

    /** Open connections now (pruned first), for tests and diagnostics. */
    synchronized int openConnections() {
        prune();
        return total;
    }

    long refusedTotal() {
        return refusedTotal.sum();
    }

    long refusedPerClient() {
        return refusedPerClient.sum();
    }

    /** One line a minute at most: a flood of refused connections must not flood the journal. */
    private void logRefusal(InetSocketAddress peer, String why) {
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= TimeUnit.MINUTES.toNanos(1) && lastLog.compareAndSet(last, now)) {
            LOG.warn("Closed a new connection from {}: {} ({} refused in all so far, {} for one client's cap)",
                    peer == null ? "?" : peer.getAddress().getHostAddress(), why, refusedTotal.sum() + refusedPerClient.sum(),
                    refusedPerClient.sum());
        }
    }
}
