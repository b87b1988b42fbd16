package io.kma.metrics.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.PodInfo;
import io.kma.store.internal.InMemoryMetricsStore;

/**
 * The metadata lengths a kept {@link PodTable} remembers between lists: they follow each pod object from one
 * pairing to the next by the merge walk (indices shift when pods come and go), and a pod that is a new object
 * (relabelled, re-created) or new in the cluster starts unknown, so it is measured again.
 */
class PodTableTest {

    private final InMemoryMetricsStore store = new InMemoryMetricsStore();

    private static PodInfo pod(String ns, String name, Map<String, String> labels) {
        return new PodInfo(ns, name, labels, null, "n1");
    }

    @Test
    void rememberedLengthsFollowTheSamePodObjectsIntoARebuiltPairing() {
        PodInfo a = pod("a", "p1", Map.of("app", "web"));
        PodInfo b = pod("a", "p2", Map.of());
        PodInfo c = pod("b", "p3", Map.of("app", "db"));
        PodInfo d = pod("b", "p4", Map.of());
        PodHandles first = PodHandles.of(List.of(a, b, c, d), store, null);
        PodTable table = new PodTable(4);
        table.pairWith(first);
        for (int i = 0; i < first.size(); i++) {
            assertEquals(0, table.knownMetadataLength(i), "nothing known of a first pairing");
            table.rememberMetadataLength(i, 100 + i);
        }
        table.pairWith(first);
        assertEquals(102, table.knownMetadataLength(2), "the same pairing keeps what it knew");

        // a pod before all of them (indices shift), b gone, c relabelled (a new object with the same name)
        PodInfo early = pod("a", "p0", Map.of());
        PodInfo relabelled = pod("b", "p3", Map.of("app", "web", "tier", "front"));
        PodHandles second = PodHandles.of(List.of(early, a, relabelled, d), store, first);
        table.pairWith(second);
        assertEquals(0, table.knownMetadataLength(0), "a new pod is measured");
        assertEquals(100, table.knownMetadataLength(1), "a, now at index 1");
        assertEquals(0, table.knownMetadataLength(2), "the relabelled pod is measured again");
        assertEquals(103, table.knownMetadataLength(3), "d, still at index 3 after one pod came and one went");
    }

    @Test
    void aTableClearedBetweenListsKeepsItsRememberedLengths() {
        PodInfo a = pod("a", "p1", Map.of("app", "web"));
        PodHandles pairing = PodHandles.of(List.of(a), store, null);
        PodTable table = new PodTable(1);
        table.pairWith(pairing);
        table.rememberMetadataLength(0, 42);
        table.clear();
        table.pairWith(pairing);
        assertEquals(42, table.knownMetadataLength(0));
        assertEquals(0, table.rows());
    }
}
