package io.kma.store.internal;

import static io.kma.store.internal.Batches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kma.api.store.ContainerSample;
import io.kma.api.store.NodeScrape;
import io.kma.api.store.ScrapeBatch;

class SnapshotBuilderTest {

    private static final long RESOLUTION = 15_000_000_000L;
    private final StringInterner names = new StringInterner();
    private Snapshot current = Snapshot.EMPTY;

    private SnapshotBuilder store(ScrapeBatch b) {
        SnapshotBuilder builder = new SnapshotBuilder(current, RESOLUTION, names);
        current = builder.build(b);
        return builder;
    }

    @Test
    void nodeFailingForeverIsBridgedOnceDroppedOnceThenQuiet() {
        store(batch().node("n1", 0, 1, 1).container("ns", "p", "a", 0, 1, 1, -100).build());
        store(batch().node("n1", 15, 2, 1).container("ns", "p", "a", 15, 2, 1, -100).build());

        SnapshotBuilder first = store(batch().failed("n1").build());
        assertEquals(1, first.carriedCount);
        assertEquals(0, first.droppedAfterSecondFailure);
        assertEquals(1, current.servablePods());

        SnapshotBuilder second = store(batch().failed("n1").build());
        assertEquals(0, second.carriedCount);
        assertEquals(1, second.droppedAfterSecondFailure);
        assertTrue(current.nodes().isEmpty());
        assertTrue(current.pods().isEmpty());

        for (int i = 0; i < 3; i++) {
            SnapshotBuilder later = store(batch().failed("n1").build());
            assertEquals(0, later.carriedCount, "nothing left to bridge");
            assertEquals(0, later.droppedAfterSecondFailure, "nothing left to drop");
        }
    }

    @Test
    void carriedPodsKeepTheirNodeForTheNextFailure() {
        store(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 0, 1, 1, -100).build());
        store(batch().nodeWithoutPoint("n1").container("ns", "p", "a", 15, 2, 1, -100).build());
        assertEquals(1, store(batch().failed("n1").build()).carriedCount, "a node with pods but no node point is bridged");
        assertEquals(1, current.servableContainers());
        assertEquals(1, store(batch().failed("n1").build()).droppedAfterSecondFailure);
        assertEquals(0, current.servableContainers());
    }

    @Test
    void incompleteSamplesAreSkippedNotFatal() {
        List<ContainerSample> samples = new ArrayList<>();
        samples.add(new ContainerSample("ns", "p", "a", Batches.point(0, 1, 1, -100)));
        samples.add(new ContainerSample("ns", null, "a", Batches.point(0, 1, 1, -100)));
        samples.add(new ContainerSample("ns", "q", "a", null));
        samples.add(null);
        store(new ScrapeBatch(List.of(new NodeScrape("n1", null, samples)), null));
        assertEquals(1, current.pods().get("ns").size());
        assertTrue(current.pod("ns", "p") != null);
    }

    @Test
    void namesAreSharedAcrossPods() {
        store(batch().node("n1", 0, 1, 1)
                .container(new String("ns"), "p1", new String("app"), 0, 1, 1, -100)
                .container(new String("ns"), "p2", new String("app"), 0, 1, 1, -100).build());
        PodSeries p1 = current.pod("ns", "p1");
        PodSeries p2 = current.pod("ns", "p2");
        assertTrue(p1.containers()[0] == p2.containers()[0], "one String instance per container name");
    }
}
