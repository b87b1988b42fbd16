package io.kma.scraper.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {

    private static byte[] grown() {
        return new byte[BufferPool.INITIAL * 8];
    }

    @Test
    void aCycleThatNeededOneOfTwoBuffersKeepsOne() {
        BufferPool pool = new BufferPool(8, 1 << 20);
        byte[] a = grown();
        byte[] b = grown();
        pool.give(a);
        pool.give(b);
        assertEquals(0, pool.trim(), "the start filled the pool from empty: every buffer was needed");
        byte[] used = pool.take(); // one scrape at a time: the other buffer stays in the pool
        pool.give(used);
        assertEquals(1, pool.trim());
        byte[] kept = pool.take();
        assertSame(used, kept);
        byte[] fresh = pool.take();
        assertNotSame(a, fresh);
        assertNotSame(b, fresh);
        assertEquals(BufferPool.INITIAL, fresh.length);
    }

    @Test
    void aCycleThatEmptiedThePoolDropsNothing() {
        BufferPool pool = new BufferPool(8, 1 << 20);
        pool.give(grown());
        pool.give(grown());
        pool.trim();
        byte[] x = pool.take();
        byte[] y = pool.take();
        byte[] z = pool.take(); // a new one: the pool ran empty
        pool.give(x);
        pool.give(y);
        pool.give(z);
        assertEquals(0, pool.trim());
        assertEquals(8 * BufferPool.INITIAL, pool.take().length);
        assertEquals(8 * BufferPool.INITIAL, pool.take().length);
    }

    @Test
    void aCycleWithoutScrapesDropsEveryBuffer() {
        BufferPool pool = new BufferPool(8, 1 << 20);
        pool.give(grown());
        pool.give(grown());
        pool.give(grown());
        pool.trim();
        assertEquals(3, pool.trim());
        assertEquals(0, pool.trim());
        assertEquals(BufferPool.INITIAL, pool.take().length);
    }

    @Test
    void boundsStillApply() {
        BufferPool pool = new BufferPool(1, BufferPool.INITIAL * 4);
        byte[] big = new byte[BufferPool.INITIAL * 8];
        pool.give(big); // larger than kept
        assertNotSame(big, pool.take());
        byte[] first = new byte[BufferPool.INITIAL * 2];
        pool.give(first);
        pool.give(new byte[BufferPool.INITIAL * 2]); // over the count
        assertSame(first, pool.take());
        assertEquals(BufferPool.INITIAL, pool.take().length);
    }
}
