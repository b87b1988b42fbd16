package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The kept full-list pairing goes after a minute without a full list, by request or by the idle check. */
class KeptPairingTest {

    private final AtomicLong now = new AtomicLong(1_000);
    /** The idle checks armed so far; a test runs them as if the idle period had passed. */
    private final Queue<Runnable> checks = new ArrayDeque<>();
    private final KeptPairing pairing = new KeptPairing(now::get, checks::add);
    private final PodHandles handles = PodHandles.of(List.of(), null, null);

    @Test
    void aPairingInUseIsKept() {
        pairing.keep(handles);
        for (int i = 0; i < 10; i++) {
            now.addAndGet(KeptPairing.IDLE_NANOS - 1);
            assertSame(handles, pairing.forFullList());
            pairing.keep(handles);
        }
        assertEquals(1, checks.size(), "one idle check at a time, however many lists");
    }

    @Test
    void aRequestAfterAnIdleMinuteDropsIt() {
        pairing.keep(handles);
        now.addAndGet(KeptPairing.IDLE_NANOS);
        pairing.dropIfIdle();
        assertFalse(pairing.holds());
        assertNull(pairing.forFullList());
    }

    @Test
    void withoutAnyRequestTheIdleCheckDropsIt() {
        pairing.keep(handles);
        now.addAndGet(KeptPairing.IDLE_NANOS / 2);
        pairing.keep(handles); // used again half-way
        now.addAndGet(KeptPairing.IDLE_NANOS / 2);
        checks.remove().run();
        assertTrue(pairing.holds(), "used within the last minute");
        assertEquals(1, checks.size(), "the check re-armed itself");
        now.addAndGet(KeptPairing.IDLE_NANOS);
        checks.remove().run();
        assertFalse(pairing.holds());
        assertTrue(checks.isEmpty(), "nothing kept, nothing to check");
        pairing.keep(handles);
        assertEquals(1, checks.size(), "a new pairing arms a new check");
    }

    @Test
    void dropForgetsItAtOnce() {
        pairing.keep(handles);
        pairing.drop();
        assertNull(pairing.forFullList());
    }

    @Test
    void aReplacedResponderLetsGoAtOnce() {
        ResourceResponder responder = new ResourceResponder(null, new Generators(), SelfMetrics.newFreshnessHistogram(),
                () -> 0L, pairing);
        pairing.keep(handles);
        responder.close();
        assertFalse(pairing.holds(), "not held until the idle check: the old handler's pairing pins the old store");
    }
}
