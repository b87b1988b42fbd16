package io.kma.address.preferred.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kma.api.cluster.NodeAddress;
import io.kma.api.cluster.NodeInfo;
import io.kma.api.kubelet.KubeletEndpoint;

class PreferredAddressResolverTest {

    private static final String[] DEFAULT_TYPES = {"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"};

    static NodeInfo node(int kubeletPort, NodeAddress... addresses) {
        return new NodeInfo("n1", Map.of(), Map.of(), List.of(addresses), kubeletPort, true, null);
    }

    static NodeAddress a(String type, String address) {
        return new NodeAddress(type, address);
    }

    static PreferredConfiguration config(int port, boolean useNodeStatusPort, String... types) {
        return new PreferredConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PreferredConfiguration.class;
            }

            @Override
            public String[] preferredAddressTypes() {
                return types;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public boolean useNodeStatusPort() {
                return useNodeStatusPort;
            }
        };
    }

    private static PreferredAddressResolver resolver(int port, boolean useNodeStatusPort, String... types) {
        PreferredAddressResolver r = new PreferredAddressResolver();
        r.activate(config(port, useNodeStatusPort, types));
        return r;
    }

    @Test
    void candidatesByTypePriorityThenPublishedOrder() {
        NodeInfo n = node(0, a("ExternalIP", "203.0.113.5"), a("InternalIP", "10.0.0.5"), a("InternalIP", "fd00::5"),
                a("Hostname", "worker-1"));
        List<KubeletEndpoint> got = resolver(10250, true, "InternalIP", "Hostname", "ExternalIP").resolve(n);
        assertEquals(List.of(new KubeletEndpoint("10.0.0.5", 10250, "InternalIP"),
                new KubeletEndpoint("fd00::5", 10250, "InternalIP"),
                new KubeletEndpoint("worker-1", 10250, "Hostname"),
                new KubeletEndpoint("203.0.113.5", 10250, "ExternalIP")), got);
        assertEquals("[fd00::5]:10250", got.get(1).authority());
    }

    @Test
    void firstCandidateIsUpstreamsChoiceWithDefaultTypes() {
        NodeInfo n = node(0, a("InternalIP", "10.0.0.5"), a("Hostname", "worker-1"), a("InternalDNS", "w1.internal"));
        assertEquals(new KubeletEndpoint("worker-1", 10250, "Hostname"),
                resolver(10250, true, DEFAULT_TYPES).resolve(n).get(0));
    }

    @Test
    void typesNotListedAreNotUsedAndMatchingIsCaseSensitive() {
        NodeInfo n = node(0, a("ExternalIP", "203.0.113.5"), a("internalip", "10.0.0.5"));
        assertTrue(resolver(10250, true, "InternalIP", "Hostname").resolve(n).isEmpty());
    }

    @Test
    void duplicateAddressesAreRemoved() {
        NodeInfo n = node(0, a("InternalIP", "10.0.0.5"), a("ExternalIP", "10.0.0.5"), a("InternalIP", "10.0.0.5"));
        assertEquals(List.of(new KubeletEndpoint("10.0.0.5", 10250, "InternalIP")),
                resolver(10250, true, "InternalIP", "ExternalIP").resolve(n));
    }

    @Test
    void nodeStatusPortWinsOnlyWhenEnabledAndPublished() {
        NodeInfo published = node(10255, a("InternalIP", "10.0.0.5"));
        NodeInfo unpublished = node(0, a("InternalIP", "10.0.0.5"));
        assertEquals(10255, resolver(10250, true, "InternalIP").resolve(published).get(0).port());
        assertEquals(10250, resolver(10250, true, "InternalIP").resolve(unpublished).get(0).port());
        assertEquals(10250, resolver(10250, false, "InternalIP").resolve(published).get(0).port());
    }

    @Test
    void noAddressesGiveNoCandidates() {
        assertTrue(resolver(10250, true, DEFAULT_TYPES).resolve(node(0)).isEmpty());
        NodeInfo nullAddresses = new NodeInfo("n1", Map.of(), Map.of(), null, 0, true, null);
        assertTrue(resolver(10250, true, DEFAULT_TYPES).resolve(nullAddresses).isEmpty());
    }

    @Test
    void modifiedAppliesLiveAndBadChangeKeepsPrevious() {
        PreferredAddressResolver r = resolver(10250, false, "Hostname", "InternalIP");
        NodeInfo n = node(0, a("InternalIP", "10.0.0.5"), a("Hostname", "worker-1"));
        assertEquals("worker-1", r.resolve(n).get(0).host());

        r.modified(config(11250, false, "InternalIP"));
        assertEquals(new KubeletEndpoint("10.0.0.5", 11250, "InternalIP"), r.resolve(n).get(0));

        r.modified(config(0, false, "Hostname"));
        assertEquals(new KubeletEndpoint("10.0.0.5", 11250, "InternalIP"), r.resolve(n).get(0), "bad port: kept");
    }

    @Test
    void invalidPortIsRejectedOnActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver(70000, true, DEFAULT_TYPES));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
    }
}
