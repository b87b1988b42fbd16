package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class OnceAMinuteLogTest {

    @Test
    void aCauseIsLoggedOncePerMinuteAndTheMemoryIsBounded() {
        AtomicLong now = new AtomicLong(5);
        OnceAMinuteLog log = new OnceAMinuteLog(NOPLogger.NOP_LOGGER, now::get);
        assertTrue(log.warn("kube-apiserver answered 403"));
        assertFalse(log.warn("kube-apiserver answered 403"), "the same cause within the minute");
        assertTrue(log.warn("connection refused"), "another cause");
        now.addAndGet(OnceAMinuteLog.MINUTE_NANOS);
        assertTrue(log.warn("kube-apiserver answered 403"), "a minute later");
        for (int i = 0; i < 10 * OnceAMinuteLog.MAX_CAUSES; i++) {
            log.warn("cause " + i); // a flood of distinct causes: the map is cleared, never grows past MAX_CAUSES
        }
        assertTrue(log.size() <= OnceAMinuteLog.MAX_CAUSES, "remembered causes: " + log.size());
    }
}
