package io.kma.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GcmWarmUpTest {

    @Test
    void everyRecordDecryptsToItsPlaintext() {
        assertEquals(50, GcmWarmUp.run(50));
        assertEquals(0, GcmWarmUp.run(0));
    }

    @Test
    void theBackgroundThreadIsALowPriorityDaemonThatEnds() throws InterruptedException {
        Thread thread = GcmWarmUp.startInBackground();
        assertTrue(thread.isDaemon());
        assertEquals(Thread.MIN_PRIORITY, thread.getPriority());
        assertEquals("kma-gcm-warm-up", thread.getName());
        thread.join();
        assertFalse(thread.isAlive());
    }
}
