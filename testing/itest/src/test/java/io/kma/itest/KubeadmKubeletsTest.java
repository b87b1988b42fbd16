package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.simulator.LoadProfile;

/**
 * A default kubeadm cluster: every kubelet serves its own self-signed certificate ({@code <node>@<unix>}, no cluster
 * CA behind it). The appliance runs with TLS verification on (no insecureSkipTLSVerify), pins each kubelet's key on
 * first contact, and the real kubectl shows every node's metrics.
 */
class KubeadmKubeletsTest {

    static final int NODES = 3;

    @TempDir
    static Path work;
    static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start(work, NODES, 4, b -> b.kubeletSelfSignedCerts(true),
                "pinDirectory: " + work.resolve("kubelet-pins"));
        cluster.awaitAllMetrics();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void kubectlTopWorksOnSelfSignedKubeletsWhoseKeysArePinned() throws Exception {
        String config = Files.readString(cluster.appliance.workDir().resolve("config.yaml"));
        assertFalse(config.contains("insecureSkipTLSVerify"), config);
        Map<String, String[]> rows = MetricsApiTest.rows(cluster.kubectl("top", "node"), 1);
        assertEquals(List.of(LoadProfile.nodeName(0), LoadProfile.nodeName(1), LoadProfile.nodeName(2)),
                List.copyOf(rows.keySet()));
        try (Stream<Path> files = Files.list(work.resolve("kubelet-pins"))) {
            List<String> pins = files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
            assertEquals(List.of(LoadProfile.nodeName(0) + ".pin", LoadProfile.nodeName(1) + ".pin",
                    LoadProfile.nodeName(2) + ".pin"), pins);
        }
        String pin = Files.readAllLines(work.resolve("kubelet-pins").resolve(LoadProfile.nodeName(1) + ".pin")).get(0);
        assertTrue(pin.matches("sha256/[A-Za-z0-9+/]{43}="), pin);
    }
}
