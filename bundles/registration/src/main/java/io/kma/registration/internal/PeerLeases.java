package io.kma.registration.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The peers' Leases as this host has seen them, and which have expired. Like client-go's leader election, a
 * Lease's age is measured on this host's clock from the moment this host last saw it change (its
 * resourceVersion), not from its {@code renewTime}: clocks of different masters may disagree, and a Lease is
 * declared expired only after this host has watched it stand still for its {@code leaseDurationSeconds}. The price:
 * after a start, nothing is declared dead for one lease duration.
 */
final class PeerLeases {

    /** One peer as last seen. {@code observedNanos}: this host's clock when its resourceVersion last changed. */
    record Peer(String lease, Member address, String slice, String resourceVersion, long observedNanos, long durationNanos) {

        boolean expired(long nowNanos) {
            return nowNanos - observedNanos > durationNanos;
        }
    }

    private final Map<String, Peer> peers = new LinkedHashMap<>();
    /** Addresses and slices that no Lease names, with this host's clock when it first saw them so. */
    private final Map<String, Long> unclaimedSince = new HashMap<>();

    /** Records the Leases listed now (the own one excluded); Leases no longer listed are forgotten. */
    void observe(Iterable<JsonNode> leases, String ownLease, long nowNanos) {
        Set<String> seen = new HashSet<>();
        for (JsonNode l : leases) {
            String name = l.path("metadata").path("name").asText("");
            if (name.isEmpty() || name.equals(ownLease)) {
                continue;
            }
            seen.add(name);
            String rv = l.path("metadata").path("resourceVersion").asText("");
            JsonNode annotations = l.path("metadata").path("annotations");
            long duration = Math.max(1, l.path("spec").path("leaseDurationSeconds").asLong(1)) * 1_000_000_000L;
            Peer old = peers.get(name);
            long observed = old != null && old.resourceVersion().equals(rv) ? old.observedNanos() : nowNanos;
            peers.put(name, new Peer(name, Member.parse(annotations.path(Registrar.ADDRESS_ANNOTATION).asText(null)),
                    annotations.path(Registrar.SLICE_ANNOTATION).asText(null), rv, observed, duration));
        }
        peers.keySet().retainAll(seen);
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
