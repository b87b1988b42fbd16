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
}
