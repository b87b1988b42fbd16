/*
 * ====================================================================
 * Licensed to the Apache Software Foundation (ASF) under one
 * or more contributor license agreements.  See the NOTICE file
 * distributed with this work for additional information
 * regarding copyright ownership.  The ASF licenses this file
 * to you under the Apache License, Version 2.0 (the
 * "License"); you may not use this file except in compliance
 * with the License.  You may obtain a copy of the License at
 *
 *   http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing,
 * software distributed under the License is distributed on an
 * "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied.  See the License for the
 * specific language governing permissions and limitations
 * under the License.
 * ====================================================================
 *
 * This software consists of voluntary contributions made by many
 * individuals on behalf of the Apache Software Foundation.  For more
 * information on the Apache Software Foundation, please see
 * <http://www.apache.org/>.
 *
 */

package org.apache.hc.core5.reactor.ssl;

import java.nio.ByteBuffer;

import org.apache.hc.core5.util.Args;

/**
 * HttpCore 5.4.4's {@code SSLManagedBuffer}, patched by kube-metrics-appliance (bundles/client-libs compiles this
 * class into the wrapper bundle in place of the jar's copy; same package, same API, {@link StaticBuffer} unchanged).
 * <p>
 * <b>What changed, and why.</b> In 5.4.4 {@link DynamicBuffer#acquire()} allocates a new zeroed array whenever the
 * buffer is not held, and {@link DynamicBuffer#release()} drops it. {@code SSLIOSession} releases its three buffers
 * whenever they are empty, i.e. after nearly every read event, so a client that keeps thousands of TLS connections
 * alive in {@link SSLBufferMode#DYNAMIC} mode (so that idle sessions hold no buffers) allocated two ~16.7 KB arrays
 * per read event: at 5,000 kubelets scraped every 15 s, ~88 % of the appliance's allocation, a young collection
 * every ~0.5 s, and ~13 % of the I/O threads' CPU in {@code ByteBuffer.allocate}. Here a released array goes back to a
 * small free list of the releasing thread (in practice the reactor's I/O thread, which handles one session's event
 * at a time) and the next {@code acquire()} on that thread, by any session, takes it from there instead of
 * allocating. Idle sessions still hold nothing.
 * <p>
 * <b>When an array is reused</b> ({@link DynamicBuffer#release()}): only if (1) the releasing thread is the one
 * whose {@code acquire()} took it and no other thread's {@code acquire()} returned it since, and (2) it is in the
 * cleared state, position 0 and limit = capacity. Each acquire hands out a new {@code ByteBuffer} over the array, so
 * a stale {@code ByteBuffer} kept by an earlier holder shares no position or limit with the new one. The free list
 * holds at most {@value FreeArrays#PER_SIZE} arrays of each of at most two sizes (SSLIOSession asks for two: the
 * session's packet and application buffer sizes) of at most {@value FreeArrays#MAX_BYTES} bytes, per thread: ~134 KB
 * per I/O thread with the JDK's TLS. The free list is a {@code byte[][]} in a {@code ThreadLocal}, JDK types only,
 * so a thread outliving this bundle does not pin its class loader.
 * <p>
 * <b>Stale bytes.</b> A reused array is not zeroed. Every user in SSLIOSession writes into a buffer from position 0
 * (channel read, {@code unwrap}, {@code wrap}) and reads only what it wrote, after {@code flip()} sets the limit to
 * the write position; nothing reads past the limit, and {@code toString()} prints positions only. So the bytes of
 * an earlier holder past the write position are never read; the next write overwrites them.
 * <p>
 * <b>Audit of 5.4.4's SSLIOSession</b> (the only user; same call sites in the 5.4.x branch source and the 5.4.4
 * jar's bytecode). The hazard of reuse: a buffer released, handed to another session, while a local variable of
 * the first user still reads or writes the array. Per call site:
 * <ul>
 * <li>{@code initialize}: releases inEncrypted/outEncrypted before the handshake; nothing holds them.</li>
 * <li>{@code doHandshake}, NEED_WRAP: acquires outEncrypted under the session lock, wraps, keeps it (released by
 * sendEncryptedData).</li>
 * <li>{@code doHandshake}, NEED_UNWRAP: acquires inEncrypted and inPlain <i>without</i> the session lock; releases
 * inEncrypted when compacted empty (cleared state) and inPlain when the session is closing; neither local is used
 * after its release.</li>
 * <li>{@code sendEncryptedData}: acquires outEncrypted under the lock, writes, compacts, releases when empty; not
 * used after.</li>
 * <li>{@code receiveEncryptedData} (read event, no lock): acquires inEncrypted, reads, releases when nothing was
 * read; not used after.</li>
 * <li>{@code decryptData} (read event, no lock): inEncrypted acquired and flipped, then per unwrap inPlain acquired,
 * handed to the protocol handler, cleared and released in a {@code finally} (the loop acquires anew); inEncrypted
 * compacted and released when empty. Neither is used after its release.</li>
 * <li>{@code write} (any thread, under the lock): acquires outEncrypted and wraps into it; kept for
 * sendEncryptedData.</li>
 * <li>{@code close(IMMEDIATE)} (under the lock): releases all three. The one site that can release a buffer another
 * frame still uses: called from another thread while the I/O thread is in decryptData (which holds no lock), or
 * on the I/O thread from the handler's {@code inputReady} inside decryptData, after which decryptData still
 * unwraps from and compacts its inEncrypted. Rule (1) drops every buffer released by a thread that did not take it
 * or that another thread also got; rule (2) drops a buffer released in the middle of decryptData, where inEncrypted
 * is flipped with position &gt; 0 (a record was consumed before the handler ran) and inPlain has limit &lt;
 * capacity (a record's plaintext, &le; 16 KiB, is smaller than the application buffer). Dropped is what 5.4.4 does
 * with every buffer.</li>
 * <li>{@code close(GRACEFUL)} (any thread, under the lock) runs doHandshake and sendEncryptedData: covered above, and
 * by rule (1) when it races the I/O thread's unlocked reads.</li>
 * <li>{@code updateEventMask}, {@code toString}: {@code hasData()} and the position of a held buffer only.</li>
 * <li>{@code InternalDataChannel.close(IMMEDIATE)} closes the plain session underneath, not SSLIOSession: its
 * buffers are then never released, only collected with it, as in 5.4.4.</li>
 * </ul>
 */
abstract class SSLManagedBuffer {

    /**
     * Allocates the resources required for this buffer, or returns the resources already allocated for this buffer.
     * Unless {@link #release() } is called, multiple invocations to this method must return the same
     * {@link java.nio.ByteBuffer}.
     * @return buffer
     */
    abstract ByteBuffer acquire();
    /**
     * Releases the resources for this buffer. If the buffer has already been released, this method does nothing.
     */
    abstract void release();
    /**
     * Tests to see if this buffer has been acquired.
     * @return {@code true} if the buffer is acquired, otherwise {@code false}
     */
    abstract boolean isAcquired();
    /**
     * Tests to make sure that the buffer has been acquired and the underlying buffer has a position larger than
     * {@code 0}. Essentially the same as {@code isAquired() && acquire().position > 0}.
     * @return {@code true} if the buffer has been acquired and the underlying buffer's position is {@code &gt; 0},
     * otherwise {@code false}
     */
    abstract boolean hasData();

    static SSLManagedBuffer create(final SSLBufferMode mode, final int size) {
        return mode == SSLBufferMode.DYNAMIC ? new DynamicBuffer(size) : new StaticBuffer(size);
    }

    static final class StaticBuffer extends SSLManagedBuffer {

        private final ByteBuffer buffer;

        public StaticBuffer(final int size) {
            Args.positive(size, "size");
            buffer = ByteBuffer.allocate(size);
        }

        @Override
        public ByteBuffer acquire() {
            return buffer;
        }

        @Override
        public void release() {
            // do nothing
        }

        @Override
        public boolean isAcquired() {
            return true;
        }

        @Override
        public boolean hasData() {
            return buffer.position() > 0;
        }

    }

    static final class DynamicBuffer extends SSLManagedBuffer {

        private ByteBuffer wrapped;
        private final int length;
        /** The thread whose acquire() took {@code wrapped}; null once another thread's acquire() returned it too. */
        private Thread holder;

        public DynamicBuffer(final int size) {
            Args.positive(size, "size");
            this.length = size;
        }

        @Override
        public synchronized ByteBuffer acquire() {
            if (wrapped != null) {
                if (holder != Thread.currentThread()) {
                    holder = null;
                }
                return wrapped;
            }
            final byte[] reused = FreeArrays.take(length);
            wrapped = reused != null ? ByteBuffer.wrap(reused) : ByteBuffer.allocate(length);
            holder = Thread.currentThread();
            return wrapped;
        }

        @Override
        public synchronized void release() {
            final ByteBuffer released = wrapped;
            if (released != null && holder == Thread.currentThread()
                    && released.position() == 0 && released.limit() == released.capacity()) {
                FreeArrays.give(released.array());
            }
            wrapped = null;
            holder = null;
        }

        @Override
        public boolean isAcquired() {
            return wrapped != null;
        }

        @Override
        public boolean hasData() {
            final ByteBuffer held = wrapped;
            return held != null && held.position() > 0;
        }

    }

    /** Released arrays of the current thread, by size: at most two sizes, {@link #PER_SIZE} arrays each. */
    static final class FreeArrays {

        static final int PER_SIZE = 4;
        static final int MAX_BYTES = 1 << 16;
        private static final ThreadLocal<byte[][]> FREE = new ThreadLocal<>();

        private FreeArrays() {
        }

        /** An array of exactly {@code length} bytes released earlier on this thread, or null. */
        static byte[] take(final int length) {
            final byte[][] free = FREE.get();
            if (free != null) {
                for (int i = 0; i < free.length; i++) {
                    final byte[] array = free[i];
                    if (array != null && array.length == length) {
                        free[i] = null;
                        return array;
                    }
                }
            }
            return null;
        }

        /** Keeps the array for this thread's next take of its size, or drops it when that size's slots are full. */
        static void give(final byte[] array) {
            if (array.length > MAX_BYTES) {
                return;
            }
            byte[][] free = FREE.get();
            if (free == null) {
                free = new byte[2 * PER_SIZE][];
                FREE.set(free);
            }
            // slots [0, PER_SIZE) hold one size, [PER_SIZE, 2 * PER_SIZE) another: the half already holding this
            // size, else an empty half
            final int first = sizeIn(free, 0);
            final int second = sizeIn(free, PER_SIZE);
            final int half = first == array.length ? 0 : second == array.length ? PER_SIZE
                    : first == 0 ? 0 : second == 0 ? PER_SIZE : -1;
            if (half < 0) {
                return;
            }
            for (int i = half; i < half + PER_SIZE; i++) {
                if (free[i] == null) {
                    free[i] = array;
                    return;
                }
            }
        }

        /** The length of the arrays kept in the half starting at {@code from}, 0 when it is empty. */
        private static int sizeIn(final byte[][] free, final int from) {
            for (int i = from; i < from + PER_SIZE; i++) {
                if (free[i] != null) {
                    return free[i].length;
                }
            }
            return 0;
        }

    }

}
