package io.kma.address.hosts.internal;

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

class HostsAddressResolverTest {

    static NodeInfo node(String name, int kubeletPort) {
        return new NodeInfo(name, Map.of(), Map.of(), List.of(new NodeAddress("InternalIP", "10.0.0.9")), kubeletPort,
                true, null);
    }

    static HostsConfiguration config(int port, boolean useNodeStatusPort, String... hosts) {
        return new HostsConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HostsConfiguration.class;
            }

            @Override
            public String[] hosts() {
                return hosts;
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

    /** Stands in for the preferred strategy: the node's InternalIP on port 10250. */
    private static List<KubeletEndpoint> preferred(NodeInfo n) {
        return List.of(new KubeletEndpoint(n.addresses().get(0).address(), 10250, "InternalIP"));
    }

    private static HostsAddressResolver resolver(int port, boolean useNodeStatusPort, String... hosts) {
        HostsAddressResolver r = new HostsAddressResolver();
        r.activate(config(port, useNodeStatusPort, hosts));
        return r;
    }

    @Test
    void listedNodeGetsStaticAddressFirstThenPreferredFallback() {
        HostsAddressResolver r = resolver(10250, true, "worker-1=192.0.2.21", "worker-2 = fd00::22");
        r.preferred = HostsAddressResolverTest::preferred;
        assertEquals(List.of(new KubeletEndpoint("192.0.2.21", 10250, "Static"),
                new KubeletEndpoint("10.0.0.9", 10250, "InternalIP")), r.resolve(node("worker-1", 0)));
        KubeletEndpoint v6 = r.resolve(node("worker-2", 0)).get(0);
        assertEquals(new KubeletEndpoint("fd00::22", 10250, "Static"), v6);
        assertEquals("[fd00::22]:10250", v6.authority());
    }

    @Test
    void unlistedNodeGetsPreferredCandidates() {
        HostsAddressResolver r = resolver(10250, true, "worker-1=192.0.2.21");
        r.preferred = HostsAddressResolverTest::preferred;
        assertEquals(preferred(node("worker-3", 0)), r.resolve(node("worker-3", 0)));
    }

    @Test
    void withoutPreferredServiceUnlistedNodesGetNothingListedOnlyTheirStaticAddress() {
        HostsAddressResolver r = resolver(10250, true, "worker-1=192.0.2.21");
        assertTrue(r.resolve(node("worker-3", 0)).isEmpty());
        assertTrue(r.resolve(node("worker-4", 0)).isEmpty());
        assertEquals(List.of(new KubeletEndpoint("192.0.2.21", 10250, "Static")), r.resolve(node("worker-1", 0)));
        r.preferred = HostsAddressResolverTest::preferred; // the preferred bundle comes back
        assertEquals(1, r.resolve(node("worker-3", 0)).size());
    }

    @Test
    void fallbackDialingTheSameAuthorityIsNotRepeated() {
        HostsAddressResolver r = resolver(10250, true, "worker-1=10.0.0.9");
        r.preferred = HostsAddressResolverTest::preferred;
        assertEquals(List.of(new KubeletEndpoint("10.0.0.9", 10250, "Static")), r.resolve(node("worker-1", 0)));
    }

    @Test
    void portRule() {
        HostsAddressResolver r = resolver(11250, true, "worker-1=192.0.2.21");
        assertEquals(10255, r.resolve(node("worker-1", 10255)).get(0).port());
        assertEquals(11250, r.resolve(node("worker-1", 0)).get(0).port());
        HostsAddressResolver fixed = resolver(11250, false, "worker-1=192.0.2.21");
        assertEquals(11250, fixed.resolve(node("worker-1", 10255)).get(0).port());
    }

    @Test
    void malformedEntriesNameTheEntry() {
        for (String bad : List.of("worker-1", "=192.0.2.1", "worker-1=", "worker-1=192.0.2.1:10250", "w=bad host",
                "w=a/b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostsTable.parse(new String[] {bad}, 10250, true), bad);
            assertTrue(e.getMessage().startsWith("kubelet.hosts entry '" + bad + "' is malformed: "), e.getMessage());
        }
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> HostsTable.parse(new String[] {"w=192.0.2.1", "w=192.0.2.2"}, 10250, true));
        assertTrue(dup.getMessage().contains("already mapped to 192.0.2.1"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> resolver(10250, true, "nonsense"));
    }

    @Test
    void acceptedForms() {
        HostsTable t = HostsTable.parse(new String[] {"a=192.0.2.1", "b=[fd00::1]", "c=node-c.example.com", "e=legacy_host", " ", "d=fe80::1%eth0"},
                10250, true);
        assertEquals(Map.of("a", "192.0.2.1", "b", "fd00::1", "c", "node-c.example.com", "d", "fe80::1%eth0", "e", "legacy_host"),
                t.addresses());
    }

    @Test
    void modifiedAppliesLiveAndMalformedChangeKeepsCurrentMap() {
        HostsAddressResolver r = resolver(10250, true, "worker-1=192.0.2.21");
        r.modified(config(10250, true, "worker-1=192.0.2.99"));
        assertEquals("192.0.2.99", r.resolve(node("worker-1", 0)).get(0).host());
        r.modified(config(10250, true, "worker-1"));
        assertEquals("192.0.2.99", r.resolve(node("worker-1", 0)).get(0).host());
    }
}
