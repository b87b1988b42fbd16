package io.kma.scraper.internal;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * For the loops only: an SSLContext whose engines count what HttpCore's SSLIOSession asks of them, to count its read
 * events and TLS records per scrape without touching HttpCore. SSLIOSession unwraps in a loop per read event until
 * the encrypted input is used up or holds only part of a record (BUFFER_UNDERFLOW), so an unwrap that ends that way
 * ends one read event; each unwrap attempt is one inPlain acquire, which 5.4.4 allocated.
 */
final class CountingSslContext extends SSLContext {

    /** Counters over all engines of this context. */
    static final class Counts {
        final LongAdder unwraps = new LongAdder();
        final LongAdder underflows = new LongAdder();
        final LongAdder eventEnds = new LongAdder();
        final LongAdder records = new LongAdder();
        final LongAdder plainBytes = new LongAdder();
        final LongAdder wraps = new LongAdder();

        long[] snapshot() {
            return new long[] {unwraps.sum(), underflows.sum(), eventEnds.sum(), records.sum(), plainBytes.sum(),
                    wraps.sum()};
        }
    }

    private CountingSslContext(SSLContext delegate, Counts counts) {
        super(new Spi(delegate, counts), delegate.getProvider(), delegate.getProtocol());
    }

    static SSLContext wrap(SSLContext delegate, Counts counts) {
        return new CountingSslContext(delegate, counts);
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final Counts counts;

        Spi(SSLContext delegate, Counts counts) {
            this.delegate = delegate;
            this.counts = counts;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("initialise the wrapped context");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new Engine(delegate.createSSLEngine(), counts);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new Engine(delegate.createSSLEngine(host, port), counts);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    private static final class Engine extends SSLEngine {
        private final SSLEngine d;
        private final Counts counts;

        Engine(SSLEngine d, Counts counts) {
            super(d.getPeerHost(), d.getPeerPort());
            this.d = d;
            this.counts = counts;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            counts.wraps.increment();
            return d.wrap(srcs, offset, length, dst);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            SSLEngineResult r = d.unwrap(src, dsts, offset, length);
            counts.unwraps.increment();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                counts.underflows.increment();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || !src.hasRemaining()) {
                counts.eventEnds.increment();
            }
            if (r.bytesProduced() > 0) {
                counts.records.increment();
                counts.plainBytes.add(r.bytesProduced());
            }
            return r;
        }

        @Override public Runnable getDelegatedTask() { return d.getDelegatedTask(); }
        @Override public void closeInbound() throws SSLException { d.closeInbound(); }
        @Override public boolean isInboundDone() { return d.isInboundDone(); }
        @Override public void closeOutbound() { d.closeOutbound(); }
        @Override public boolean isOutboundDone() { return d.isOutboundDone(); }
        @Override public String[] getSupportedCipherSuites() { return d.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return d.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] s) { d.setEnabledCipherSuites(s); }
        @Override public String[] getSupportedProtocols() { return d.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return d.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] p) { d.setEnabledProtocols(p); }
        @Override public SSLSession getSession() { return d.getSession(); }
        @Override public SSLSession getHandshakeSession() { return d.getHandshakeSession(); }
        @Override public void beginHandshake() throws SSLException { d.beginHandshake(); }
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return d.getHandshakeStatus(); }
        @Override public void setUseClientMode(boolean mode) { d.setUseClientMode(mode); }
        @Override public boolean getUseClientMode() { return d.getUseClientMode(); }
        @Override public void setNeedClientAuth(boolean need) { d.setNeedClientAuth(need); }
        @Override public boolean getNeedClientAuth() { return d.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean want) { d.setWantClientAuth(want); }
        @Override public boolean getWantClientAuth() { return d.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean flag) { d.setEnableSessionCreation(flag); }
        @Override public boolean getEnableSessionCreation() { return d.getEnableSessionCreation(); }
        @Override public SSLParameters getSSLParameters() { return d.getSSLParameters(); }
        @Override public void setSSLParameters(SSLParameters p) { d.setSSLParameters(p); }
        @Override public String getApplicationProtocol() { return d.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return d.getHandshakeApplicationProtocol(); }
        @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, java.util.List<String>, String> s) {
            d.setHandshakeApplicationProtocolSelector(s);
        }
        @Override public BiFunction<SSLEngine, java.util.List<String>, String> getHandshakeApplicationProtocolSelector() {
            return d.getHandshakeApplicationProtocolSelector();
        }
    }
}
