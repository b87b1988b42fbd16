package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A peer's Lease is another process's input: garbage in it never makes this host declare a live peer dead early. */
class PeerLeasesTest {

    static final long SECOND = 1_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode lease(String rv, String duration, String renewTime) throws Exception {
        return JSON.readTree("""
                {"metadata":{"name":"kube-metrics-appliance-b","resourceVersion":%s,
                  "annotations":{"kube-metrics-appliance/address":"10.0.0.2:4443"}},
                 "spec":{"holderIdentity":"b_1","leaseDurationSeconds":%s,"renewTime":%s}}"""
                .formatted(rv == null ? "null" : "\"" + rv + "\"", duration, renewTime == null ? "null" : "\"" + renewTime + "\""));
    }

    boolean expiredAfter(JsonNode lease, long seconds) {
        PeerLeases peers = new PeerLeases();
        long start = 1_000 * SECOND;
        peers.observe(List.of(lease), "own", 30, start);
        peers.observe(List.of(lease), "own", 30, start + seconds * SECOND);
        return peers.peers().get("kube-metrics-appliance-b").expired(start + seconds * SECOND);
    }

    @Test
    void aZeroNegativeOrGarbageDurationCountsAsThisHostsOwn() throws Exception {
        for (String d : List.of("0", "-5", "\"ten\"", "1.5e300", "null")) {
            assertFalse(expiredAfter(lease("7", d, "2026-12-03T08:00:00.000000Z"), 29), "duration " + d + ": not before 30 s");
            assertTrue(expiredAfter(lease("7", d, "2026-12-03T08:00:00.000000Z"), 31), "duration " + d + ": after 30 s");
        }
    }

    @Test
    void aHugeDurationDoesNotOverflowIntoExpiredAtOnce() throws Exception {
        for (String d : List.of("9223372036854775807", "99999999999999999999", "2147483647")) {
            assertFalse(expiredAfter(lease("7", d, "2026-12-03T08:00:00.000000Z"), 3_600), "duration " + d);
        }
        assertTrue(expiredAfter(lease("7", "9223372036854775807", "2026-12-03T08:00:00.000000Z"),
                PeerLeases.MAX_DURATION_SECONDS + 1), "capped at a day");
    }

    @Test
    void aShorterDeclaredDurationWaitsForThisHostsOwn() throws Exception {
        assertFalse(expiredAfter(lease("7", "4", "2026-12-03T08:00:00.000000Z"), 10));
        assertEquals(60, PeerLeases.durationSeconds(JSON.readTree("60"), 30), "a longer declared duration is the peer's");
    }

    @Test
    void aPeerRenewingUnderAServerThatDropsResourceVersionStaysAlive() throws Exception {
        PeerLeases peers = new PeerLeases();
        long t = 1_000 * SECOND;
        for (int i = 0; i < 10; i++, t += 10 * SECOND) {
            peers.observe(List.of(lease(null, "30", "2026-12-03T08:00:%02d.000000Z".formatted(i))), "own", 30, t);
        }
        assertFalse(peers.peers().get("kube-metrics-appliance-b").expired(t), "its renewTime moved every 10 s");
    }
}
