package io.kma.http.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProbeFailureLogTest {

    @Test
    void oneLinePerProbePerMinute() {
        AtomicLong clock = new AtomicLong(42);
        ProbeFailureLog log = new ProbeFailureLog(clock::get);
        assertTrue(log.failed("metric-storage-ready", "no metrics to serve"));
        assertFalse(log.failed("metric-storage-ready", "no metrics to serve"), "same probe within the minute");
        assertTrue(log.failed("shutdown", "process is shutting down"), "another probe has its own minute");
        clock.addAndGet(ProbeFailureLog.INTERVAL_NANOS - 1);
        assertFalse(log.failed("metric-storage-ready", "no metrics to serve"));
        clock.addAndGet(1);
        assertTrue(log.failed("metric-storage-ready", "no metrics to serve"), "a minute later it is logged again");
    }
}
