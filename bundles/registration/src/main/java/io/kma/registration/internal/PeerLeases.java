package io.kma.registration.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The peers' Leases as this host has seen them, and which have expired. Like client-go's leader election, a
 * Lease's age is measured on this host's clock from the moment this host last saw it change (its
 * resourceVersion), not from its {@code renewTime}: clocks of different masters may disagree, and a Lease is
 * declared expired only after this host has watched it stand still for its {@code leaseDurationSeconds}. The price:
 * after a start, nothing is declared dead for one lease duration.
 * <p>
 * A peer's Lease is input from another process through kube-apiserver, so it is not trusted to shorten the wait: its
 * duration counts for at least this host's own (a {@code leaseDurationSeconds} of 0, negative, missing or garbage
 * counts as this host's; one over {@link #MAX_DURATION_SECONDS} as that), and "changed" means any of its
 * resourceVersion, holderIdentity or renewTime changed (a server that drops resourceVersion cannot freeze a live peer).
 */
final class PeerLeases {

    /** One peer as last seen. {@code observedNanos}: this host's clock when its resourceVersion last changed. */
    record Peer(String lease, Member address, String slice, String version, long observedNanos, long durationNanos) {

        boolean expired(long nowNanos) {
            return nowNanos - observedNanos > durationNanos;
        }
    }

    /** A day: longer declared durations count as this (and nanoseconds of it never overflow). */
    static final long MAX_DURATION_SECONDS = 86_400;
    static final int MAX_VANISHED = 1_000;

    private final Map<String, Peer> peers = new LinkedHashMap<>();
    /**
     * Addresses of Leases this host saw and then saw disappear (deleted by an operator, or released by a peer whose
     * withdrawal failed): the only addresses no Lease names that may be removed. Bounded, oldest forgotten first.
     */
    private final Set<Member> vanished = new LinkedHashSet<>();
    /** The same for EndpointSlice names: only those may be deleted when no Lease names them. */
    private final Set<String> vanishedSlices = new LinkedHashSet<>();
    /** Addresses and slices that no Lease names, with this host's clock when it first saw them so. */
    private final Map<String, Long> unclaimedSince = new HashMap<>();

    /**
     * Records the Leases listed now (the own one excluded); Leases no longer listed are forgotten.
     *
     * @param ownDurationSeconds this host's lease duration: the shortest wait before a peer counts as dead
     */
    void observe(Iterable<JsonNode> leases, String ownLease, long ownDurationSeconds, long nowNanos) {
        Set<String> seen = new HashSet<>();
        for (JsonNode l : leases) {
            String name = l.path("metadata").path("name").asText("");
            if (name.isEmpty() || name.equals(ownLease)) {
                continue;
            }
            seen.add(name);
            String version = l.path("metadata").path("resourceVersion").asText("") + " " + l.path("spec").path("holderIdentity").asText("")
                    + " " + l.path("spec").path("renewTime").asText("");
            JsonNode annotations = l.path("metadata").path("annotations");
            long duration = durationSeconds(l.path("spec").path("leaseDurationSeconds"), ownDurationSeconds) * 1_000_000_000L;
            Peer old = peers.get(name);
            long observed = old != null && old.version().equals(version) ? old.observedNanos() : nowNanos;
            peers.put(name, new Peer(name, Member.parse(annotations.path(Registrar.ADDRESS_ANNOTATION).asText(null)),
                    annotations.path(Registrar.SLICE_ANNOTATION).asText(null), version, observed, duration));
        }
        for (Peer gone : peers.values()) {
            if (!seen.contains(gone.lease()) && gone.address() != null) {
                vanished.remove(gone.address());
                vanished.add(gone.address());
            }
            if (!seen.contains(gone.lease()) && gone.slice() != null) {
                vanishedSlices.remove(gone.slice());
                vanishedSlices.add(gone.slice());
            }
        }
        while (vanished.size() > MAX_VANISHED) {
            vanished.remove(vanished.iterator().next());
        }
        while (vanishedSlices.size() > MAX_VANISHED) {
            vanishedSlices.remove(vanishedSlices.iterator().next());
        }
        peers.keySet().retainAll(seen);
    }

    /** Whether a Lease this host saw named {@code address} and has since disappeared. */
    boolean vanished(Member address) {
        return vanished.contains(address);
    }

    boolean vanishedSlice(String name) {
        return vanishedSlices.contains(name);
    }

    /** Forgets vanished EndpointSlices that are no longer listed. */
    void retainVanishedSlices(Set<String> listed) {
        vanishedSlices.retainAll(listed);
    }

    /** Forgets vanished addresses that are no longer listed (removed, by this host or another). */
    void retainVanished(Set<Member> listed) {
        vanished.retainAll(listed);
    }

    /** The peer's declared duration if it is a sane number of seconds, never less than this host's own. */
    static long durationSeconds(JsonNode declared, long ownSeconds) {
        long own = Math.min(Math.max(1, ownSeconds), MAX_DURATION_SECONDS);
        if (!declared.isIntegralNumber() || declared.bigIntegerValue().signum() <= 0) {
            return own;
        }
        long seconds = declared.canConvertToLong() ? declared.asLong() : MAX_DURATION_SECONDS;
        return Math.max(own, Math.min(seconds, MAX_DURATION_SECONDS));
    }

    Map<String, Peer> peers() {
        return Map.copyOf(peers);
    }

    /** Whether any Lease (live or expired) names this address or slice. */
    boolean claims(Member address) {
        return peers.values().stream().anyMatch(p -> address.equals(p.address()));
    }

    boolean claimsSlice(String slice) {
        return peers.values().stream().anyMatch(p -> slice.equals(p.slice()));
    }

    /**
     * Whether {@code key} (an address or slice no Lease names) has been unclaimed for longer than {@code graceNanos};
     * the first call starts its clock. Keys not asked about in a round are forgotten by {@link #retainUnclaimed}.
     */
    boolean unclaimedLongerThan(String key, long graceNanos, long nowNanos) {
        long since = unclaimedSince.computeIfAbsent(key, k -> nowNanos);
        return nowNanos - since > graceNanos;
    }

    void retainUnclaimed(Set<String> keys) {
        unclaimedSince.keySet().retainAll(keys);
    }
}
