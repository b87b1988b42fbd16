package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The bounds that keep a hostile caller from evicting caches, flooding logs or kube-apiserver (issue 10). */
class HostileCallerBoundsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void cachesEvictTheLeastRecentlyUsedEntryInsteadOfEmptying() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(3, now::get);
        cache.put("legit", "alice", 10_000);
        cache.put("a", "x", 10_000);
        cache.put("b", "x", 10_000);
        for (int i = 0; i < 100; i++) { // a flood of new keys; the legitimate one keeps being used
            assertEquals("alice", cache.get("legit"));
            cache.put("random-" + i, "x", 10_000);
        }
        assertEquals("alice", cache.get("legit"));
        assertEquals(3, cache.size());
        assertNull(cache.get("a"));
        assertEquals(100, cache.evictions());
        now.addAndGet(10_000_000_000L);
        assertNull(cache.get("legit"), "entries still expire");
    }

    @Test
    void failedTokenReviewsAreLimitedPerClientAddress() {
        FailedTokenLimit limit = new FailedTokenLimit(now::get);
        for (int i = 0; i < FailedTokenLimit.BURST; i++) {
            assertTrue(limit.allows("192.0.2.1"));
            limit.failed("192.0.2.1");
        }
        assertFalse(limit.allows("192.0.2.1"));
        assertTrue(limit.allows("192.0.2.2"), "other clients are not affected");
        now.addAndGet(FailedTokenLimit.REFILL_NANOS);
        assertTrue(limit.allows("192.0.2.1"), "one more a second");
        limit.failed("192.0.2.1");
        assertFalse(limit.allows("192.0.2.1"));
    }

    @Test
    void callerValuesAreEscapedAndTruncated() {
        assertEquals("\"a\\x0d\\x0aWARN forged\"", LogText.quote("a\r\nWARN forged"));
        assertEquals("\"\\u00e9\\x1b[31m\\\"\"", LogText.quote("\u00e9\u001b[31m\""));
        String big = LogText.quote("u".repeat(17_000));
        assertTrue(big.length() < 200, big);
        assertTrue(big.endsWith("...(" + (17_000 - LogText.MAX) + " more characters)"), big);
    }

    @Test
    void failuresAreLoggedOncePerCategoryPerIntervalAndCounted() throws Exception {
        FailureLog log = new FailureLog(LoggerFactory.getLogger(HostileCallerBoundsTest.class), 60_000, now::get);
        assertTrue(log.warn("token_rejected", "first"));
        for (int i = 0; i < 1000; i++) {
            assertFalse(log.warn("token_rejected", "distinct value " + i), "one line per category per interval");
        }
        assertTrue(log.warn("anonymous", "another category is logged"));
        log.count("forbidden");
        now.addAndGet(60_000_000_000L);
        assertTrue(log.warn("token_rejected", "next interval"));
        assertEquals(1002, log.counted("token_rejected"));
        StringBuilder metrics = new StringBuilder();
        log.writeTo(metrics);
        assertEquals("""
                # HELP kube_metrics_appliance_request_auth_failures_total [ALPHA] Requests refused by authentication or \
                authorization, by category.
                # TYPE kube_metrics_appliance_request_auth_failures_total counter
                kube_metrics_appliance_request_auth_failures_total{category="anonymous"} 1
                kube_metrics_appliance_request_auth_failures_total{category="forbidden"} 1
                kube_metrics_appliance_request_auth_failures_total{category="token_rejected"} 1002
                """, metrics.toString());
    }
}
