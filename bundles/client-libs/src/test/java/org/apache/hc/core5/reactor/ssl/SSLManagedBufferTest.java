package org.apache.hc.core5.reactor.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The patched DYNAMIC buffer (see {@link SSLManagedBuffer}): reuse on the releasing thread, the bound, the sizes, and
 * that no two holders ever share an array. Each test runs on a new thread, so it starts with an empty free list.
 */
class SSLManagedBufferTest {

    /** The JDK's TLS packet and application buffer sizes (SSLSession.getPacketBufferSize/getApplicationBufferSize). */
    private static final int PACKET = 16709;
    private static final int APP = 16704;

    @Test
    void aReleasedArrayIsTheNextAcquireOfItsSizeOnTheSameThread() throws Exception {
        onNewThread(() -> {
            SSLManagedBuffer first = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            ByteBuffer held = first.acquire();
            assertSame(held, first.acquire(), "held: the same buffer until released");
            held.put((byte) 42).flip();
            held.get();
            held.compact();
            first.release();
            assertFalse(first.isAcquired(), "a released (idle) buffer holds nothing");
            assertFalse(first.hasData());

            SSLManagedBuffer other = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            ByteBuffer reused = other.acquire();
            assertSame(held.array(), reused.array(), "another session's acquire takes the released array");
            assertNotSame(held, reused, "in a new ByteBuffer: the old holder's view shares no position or limit");
            assertEquals(0, reused.position());
            assertEquals(PACKET, reused.limit());
            assertEquals(PACKET, reused.capacity());
            assertFalse(other.hasData(), "stale bytes are past the position: nothing to read");
        });
    }

    @Test
    void sizesAreKeptApartAndAtMostTwoOfThemPooled() throws Exception {
        onNewThread(() -> {
            byte[] packet = releaseOne(PACKET);
            byte[] app = releaseOne(APP);
            byte[] third = releaseOne(1000);
            ByteBuffer a = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, APP).acquire();
            assertSame(app, a.array());
            assertEquals(APP, a.capacity());
            ByteBuffer p = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET).acquire();
            assertSame(packet, p.array());
            ByteBuffer t = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, 1000).acquire();
            assertNotSame(third, t.array(), "a third size is not pooled while two others are");
            assertEquals(1000, t.capacity());
            byte[] large = releaseOne(SSLManagedBuffer.FreeArrays.MAX_BYTES + 1);
            // the PACKET and APP halves are now empty again, so only the size cap can refuse it
            assertNotSame(large, SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, large.length).acquire().array(),
                    "arrays over MAX_BYTES are not pooled");
        });
    }

    @Test
    void atMostPerSizeArraysOfOneSizeAreKeptPerThread() throws Exception {
        onNewThread(() -> {
            int n = SSLManagedBuffer.FreeArrays.PER_SIZE + 3;
            List<SSLManagedBuffer> buffers = new ArrayList<>();
            Set<byte[]> released = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < n; i++) {
                SSLManagedBuffer b = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
                released.add(b.acquire().array());
                buffers.add(b);
            }
            assertEquals(n, released.size(), "buffers held at once are distinct arrays");
            buffers.forEach(SSLManagedBuffer::release);
            int reused = 0;
            for (int i = 0; i < n; i++) {
                if (released.contains(SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET).acquire().array())) {
                    reused++;
                }
            }
            assertEquals(SSLManagedBuffer.FreeArrays.PER_SIZE, reused);
        });
    }

    @Test
    void twoHoldersNeverShareAnArray() throws Exception {
        onNewThread(() -> {
            releaseOne(PACKET);
            SSLManagedBuffer x = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            SSLManagedBuffer y = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            ByteBuffer bx = x.acquire();
            ByteBuffer by = y.acquire();
            assertNotSame(bx.array(), by.array());
            bx.put(new byte[] {1, 2, 3});
            by.put(new byte[] {9});
            assertEquals(1, bx.array()[0], "y's write is not in x's array");
            // x keeps data (not released: a partial record), y is released and taken by a third holder
            y.release();
            SSLManagedBuffer z = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            ByteBuffer bz = z.acquire();
            assertNotSame(bx.array(), bz.array(), "a held buffer is never handed out");
            assertTrue(x.hasData());
            assertEquals(3, x.acquire().position());
        });
    }

    @Test
    void aBufferReleasedWithDataOrFlippedIsDroppedNotReused() throws Exception {
        onNewThread(() -> {
            SSLManagedBuffer withData = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            ByteBuffer d = withData.acquire();
            d.put((byte) 1);
            withData.release();
            // flipped in the middle of a read (close(IMMEDIATE) from the handler inside decryptData): position 0,
            // limit below capacity
            SSLManagedBuffer flipped = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, APP);
            ByteBuffer f = flipped.acquire();
            f.put(new byte[100]).flip();
            flipped.release();
            assertNotSame(d.array(), SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET).acquire().array());
            assertNotSame(f.array(), SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, APP).acquire().array());
        });
    }

    @Test
    void aBufferAnotherThreadTouchedIsNeverReused() throws Exception {
        onNewThread(() -> {
            // released by another thread (close() from a timeout or pool thread): dropped
            SSLManagedBuffer releasedElsewhere = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            byte[] a = releasedElsewhere.acquire().array();
            join(CompletableFuture.runAsync(releasedElsewhere::release));
            // acquired by another thread too (close(GRACEFUL) racing the I/O thread), then released by the holder
            SSLManagedBuffer shared = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET);
            byte[] b = shared.acquire().array();
            AtomicReference<ByteBuffer> seen = new AtomicReference<>();
            join(CompletableFuture.runAsync(() -> seen.set(shared.acquire())));
            assertSame(b, seen.get().array());
            shared.release();
            for (int i = 0; i < SSLManagedBuffer.FreeArrays.PER_SIZE; i++) {
                byte[] next = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET).acquire().array();
                assertNotSame(a, next);
                assertNotSame(b, next);
            }
        });
    }

    @Test
    void anArrayReleasedOnOneThreadIsNotTakenOnAnother() throws Exception {
        byte[][] released = new byte[1][];
        onNewThread(() -> released[0] = releaseOne(PACKET));
        onNewThread(() -> assertNotSame(released[0],
                SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, PACKET).acquire().array()));
    }

    @Test
    void staticBuffersAreUnchanged() {
        SSLManagedBuffer s = SSLManagedBuffer.create(SSLBufferMode.STATIC, PACKET);
        ByteBuffer b = s.acquire();
        s.release();
        assertTrue(s.isAcquired());
        assertSame(b, s.acquire());
    }

    private static byte[] releaseOne(int size) {
        SSLManagedBuffer b = SSLManagedBuffer.create(SSLBufferMode.DYNAMIC, size);
        byte[] array = b.acquire().array();
        b.release();
        return array;
    }

    private static void join(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void onNewThread(Runnable body) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "ssl-buffer-test");
        t.start();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError ae) {
                throw ae;
            }
            throw e;
        }
        t.join(10_000);
    }
}
