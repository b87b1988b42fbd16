package io.kma.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for a server a test configures before it starts, below the kernel's ephemeral range when it
 * can. A port probed inside that range and released can be handed out again by the next bind to port 0 or outgoing
 * connection: the simulator, started between the probe and the appliance's bind, took one for a listener of its own in
 * CI (PipelineTest: "cannot listen on 127.0.0.1:42579: Address already in use"). Ports below the range are never handed
 * out that way.
 */
public final class LoopbackPorts {

    static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private LoopbackPorts() {
    }

    /** A port nothing listens on now: random in the lower half below the ephemeral range (200 tries), else port 0's. */
    public static int free() throws IOException {
        int low = ephemeralLow();
        if (low > 2048) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(low / 2, low);
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate), 1);
                    return candidate;
                } catch (IOException taken) {
                    // another process listens there: try another
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The first port of Linux's ephemeral range (32768 by default); 0 where it cannot be read. */
    static int ephemeralLow() {
        // a reader, not Files.readString: on this procfs file (size 0) that returned the first byte only
        try (BufferedReader r = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String range = r.readLine();
            return range == null ? 0 : Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
