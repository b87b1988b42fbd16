package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    private static final long FAST = TimeUnit.SECONDS.toNanos(1);

    @Test
    void growsWithFastScrapesUpToTheConfiguredMaximum() throws Exception {
        ConcurrencyLimit l = new ConcurrencyLimit(40, 0);
        assertEquals(ConcurrencyLimit.INITIAL, l.limit());
        for (int i = 0; i < 20; i++) {
            assertTrue(l.acquire(System.nanoTime() + FAST));
            l.release(1_000_000, false, FAST);
        }
        assertEquals(40, l.limit(), "capped at maxConcurrentScrapes");
        assertTrue(l.acquire(System.nanoTime() + FAST));
        l.release(2 * FAST, false, FAST);
        assertEquals(40, l.limit(), "a slow scrape does not grow it");
    }

    @Test
    void halvesOnTimeoutsButNotBelowTheMinimumAndAtMostOncePerSpacing() throws Exception {
        ConcurrencyLimit l = new ConcurrencyLimit(256, TimeUnit.HOURS.toNanos(1));
        assertTrue(l.acquire(System.nanoTime() + FAST));
        l.release(10 * FAST, true, FAST);
        assertEquals(16, l.limit());
        assertTrue(l.acquire(System.nanoTime() + FAST));
        l.release(10 * FAST, true, FAST);
        assertEquals(16, l.limit(), "a burst of timeouts halves once");

        ConcurrencyLimit eager = new ConcurrencyLimit(256, 0);
        for (int i = 0; i < 10; i++) {
            assertTrue(eager.acquire(System.nanoTime() + FAST));
            eager.release(10 * FAST, true, FAST);
        }
        assertEquals(ConcurrencyLimit.MIN, eager.limit());
    }

    @Test
    void acquireWaitsForAFreeSlotUntilTheDeadline() throws Exception {
        ConcurrencyLimit l = new ConcurrencyLimit(1, 0);
        assertTrue(l.acquire(System.nanoTime() + FAST));
        assertFalse(l.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)), "the only slot is taken");
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            l.release(1, false, FAST);
        });
        releaser.start();
        assertTrue(l.acquire(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)), "freed while waiting");
        releaser.join(10_000);
        l.setMax(0);
        assertEquals(1, l.max(), "at least one");
    }
}
