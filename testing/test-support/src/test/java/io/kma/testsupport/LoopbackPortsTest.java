package io.kma.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void readsTheWholeFirstNumberOfTheEphemeralRange() throws Exception {
        Path range = LoopbackPorts.EPHEMERAL_RANGE;
        assumeTrue(Files.isReadable(range), "no " + range + " (not Linux): free() falls back to port 0");
        List<String> lines = Files.readAllLines(range);
        assertEquals(Integer.parseInt(lines.get(0).trim().split("\\s+")[0]), LoopbackPorts.ephemeralLow());
    }

    @Test
    void aFreePortLiesBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        int low = LoopbackPorts.ephemeralLow();
        assumeTrue(low > 2048, "ephemeral range starts at " + low + ": free() falls back to port 0");
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.free();
            assertTrue(port >= low / 2 && port < low, port + " not in [" + low / 2 + ", " + low + ")");
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            }
        }
    }
}
