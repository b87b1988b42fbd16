package io.kma.scraper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kma.testsupport.TestPki;

class NodeNameVerifierTest {

    static TestPki.Issued pki;

    @BeforeAll
    static void ca() throws Exception {
        pki = TestPki.ca("ca");
    }

    private static NodeNameVerifier expecting(String host, String node, String... hostnames) {
        NodeNameVerifier v = new NodeNameVerifier();
        Set<String> names = new java.util.LinkedHashSet<>();
        names.add(node);
        names.addAll(List.of(hostnames));
        v.expect(Map.of(host, List.of(new NodeNameVerifier.Expected(node, names))));
        return v;
    }

    @Test
    void certificateNamingOnlyTheNodeIsAcceptedWhenDialledByIp() throws Exception {
        var cert = TestPki.server(pki, "system:node:worker-1", "worker-1").cert();
        expecting("10.0.0.5", "worker-1").verify("10.0.0.5", cert);
    }

    @Test
    void certificateNamingTheHostnameAddressIsAccepted() throws Exception {
        var cert = TestPki.server(pki, "x", "worker-1.example.internal").cert();
        expecting("10.0.0.5", "worker-1", "worker-1.example.internal").verify("10.0.0.5", cert);
    }

    @Test
    void ipSanMatchesTheDialledAddressInAnyNotation() throws Exception {
        var cert = TestPki.server(pki, "x", "fd00:0:0:0:0:0:0:1").cert();
        new NodeNameVerifier().verify("fd00::1", cert);
    }

    @Test
    void certificateNamingAnotherNodeIsRejectedWithAnActionableMessage() throws Exception {
        var cert = TestPki.server(pki, "x", "worker-2", "10.0.0.6").cert();
        NodeNameVerifier.NameMismatchException e = assertThrows(NodeNameVerifier.NameMismatchException.class,
                () -> expecting("10.0.0.5", "worker-1", "worker-1.lan").verify("10.0.0.5", cert));
        assertEquals("certificate names [worker-2, 10.0.0.6] match neither 10.0.0.5 nor node worker-1 nor hostname worker-1.lan",
                e.getMessage());
    }

    @Test
    void commonNameCountsOnlyWithoutSans() throws Exception {
        var cnOnly = TestPki.server(pki, "worker-1").cert();
        expecting("10.0.0.5", "worker-1").verify("10.0.0.5", cnOnly);
        var withSans = TestPki.server(pki, "worker-1", "other").cert();
        assertThrows(NodeNameVerifier.NameMismatchException.class,
                () -> expecting("10.0.0.5", "worker-1").verify("10.0.0.5", withSans));
    }

    @Test
    void wildcardCoversOneLabelOnly() throws Exception {
        var cert = TestPki.server(pki, "x", "*.nodes.example").cert();
        new NodeNameVerifier().verify("w1.nodes.example", cert);
        assertThrows(NodeNameVerifier.NameMismatchException.class, () -> new NodeNameVerifier().verify("a.b.nodes.example", cert));
        assertThrows(NodeNameVerifier.NameMismatchException.class, () -> new NodeNameVerifier().verify("nodes.example", cert));
    }

    @Test
    void anIpNameNeverMatchesADnsSan() throws Exception {
        var cert = TestPki.server(pki, "x", "dns:10.0.0.5").cert();
        assertThrows(NodeNameVerifier.NameMismatchException.class, () -> new NodeNameVerifier().verify("10.0.0.5", cert));
    }

    /** Kubelets sharing one address (one port each): the handshake looks the names up instead of walking them. */
    @Test
    void manyNodesDialledAtOneHostAreMatchedByName() throws Exception {
        NodeNameVerifier v = new NodeNameVerifier();
        List<NodeNameVerifier.Expected> there = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            there.add(new NodeNameVerifier.Expected("sim-node-" + i, Set.of("sim-node-" + i, "Host-" + i + ".Example.Lan.")));
        }
        there.add(new NodeNameVerifier.Expected("odd-node", Set.of("odd-node", "10.1.2.3")));
        v.expect(Map.of("127.0.0.1", there));
        v.verify("127.0.0.1", TestPki.server(pki, "x", "sim-node-4321").cert());
        // case and a trailing dot do not matter, on either side
        v.verify("127.0.0.1", TestPki.server(pki, "x", "host-17.example.lan").cert());
        v.verify("127.0.0.1", TestPki.server(pki, "x", "SIM-NODE-9.").cert());
        v.verify("127.0.0.1", TestPki.server(pki, "x", "*.example.lan").cert());
        v.verify("127.0.0.1", TestPki.server(pki, "x", "10.1.2.3").cert());
        NodeNameVerifier.NameMismatchException e = assertThrows(NodeNameVerifier.NameMismatchException.class,
                () -> v.verify("127.0.0.1", TestPki.server(pki, "x", "sim-node-5000", "*.other.example").cert()));
        // bounded: eight names, then how many more
        assertEquals("certificate names [sim-node-5000, *.other.example] match neither 127.0.0.1 nor node sim-node-0"
                + " nor hostname Host-0.Example.Lan. nor node sim-node-1 nor hostname Host-1.Example.Lan. nor node sim-node-2"
                + " nor hostname Host-2.Example.Lan. nor node sim-node-3 nor hostname Host-3.Example.Lan."
                + " nor 9994 more names of nodes dialled there", e.getMessage());
        // a name expected at another host does not count here
        v.expect(Map.of("127.0.0.2", there));
        assertThrows(NodeNameVerifier.NameMismatchException.class,
                () -> v.verify("127.0.0.1", TestPki.server(pki, "x", "sim-node-1").cert()));
    }
}
