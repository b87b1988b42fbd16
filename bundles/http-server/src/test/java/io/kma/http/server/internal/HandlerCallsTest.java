package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class HandlerCallsTest {

    @Test
    void closingLetsNoneInAndWaitsForThoseInside() throws Exception {
        HandlerCalls calls = new HandlerCalls();
        assertTrue(calls.enter());
        assertTrue(calls.enter());
        CompletableFuture<Integer> closing = CompletableFuture.supplyAsync(
                () -> calls.closeAndAwait(TimeUnit.SECONDS.toNanos(10)));
        calls.exit();
        Thread.sleep(100);
        assertFalse(closing.isDone(), "one request is still inside");
        assertFalse(calls.enter(), "a closed handler takes no request");
        calls.exit();
        assertEquals(0, closing.get(5, TimeUnit.SECONDS));
    }

    @Test
    void theWaitIsBounded() {
        HandlerCalls calls = new HandlerCalls();
        assertTrue(calls.enter());
        long t0 = System.nanoTime();
        assertEquals(1, calls.closeAndAwait(TimeUnit.MILLISECONDS.toNanos(50)), "the request that never left");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
        calls.exit();
    }

    @Test
    void closingWithNoneInsideReturnsAtOnce() {
        HandlerCalls calls = new HandlerCalls();
        assertEquals(0, calls.closeAndAwait(TimeUnit.SECONDS.toNanos(10)));
        assertFalse(calls.enter());
    }
}
