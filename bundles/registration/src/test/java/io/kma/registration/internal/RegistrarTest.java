package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kma.api.kube.KubeResources;
import io.kma.simulator.RegistrationObjects;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/** Two registrars (two hosts) against the simulator's kube-apiserver, with the appliance's real RBAC. */
class RegistrarTest {

    static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;
    Simulator sim;
    final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(1).podsPerNode(0).build());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    Registrar registrar(SimKube kube, String host, String ip, int port) {
        return new Registrar(kube, new Registrar.Identity(new Member(ip, port), host, host + "_test", "kube-system",
                "metrics-server", "kube-system", 30), clock::get, Instant::now);
    }

    List<String> ready() {
        return sim.registrationObjects().readyAddresses("kube-system", "metrics-server", "https");
    }

    ObjectNode endpoints() {
        return sim.registrationObjects().get(kind("ENDPOINTS"), "kube-system", "metrics-server");
    }

    static RegistrationObjects.Kind kind(String name) {
        return RegistrationObjects.Kind.valueOf(name);
    }

    @Test
    void twoHostsRegisterWithoutOverwritingEachOtherAndFollowReadiness() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        Registrar b = registrar(kube, "master-b", "10.0.0.2", 4443);
        a.round(true);
        b.round(false);
        assertEquals(List.of("10.0.0.1:4443"), ready());
        assertEquals("10.0.0.2", endpoints().at("/subsets/0/notReadyAddresses/0/ip").asText(), endpoints().toString());
        assertEquals("true", endpoints().at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asText());
        b.readinessChanged(true);
        assertEquals(List.of("10.0.0.1:4443", "10.0.0.2:4443"), ready());

        ObjectNode lease = sim.registrationObjects().get(kind("LEASES"), "kube-system", "kube-metrics-appliance-master-a");
        assertNotNull(lease);
        assertEquals("master-a_test", lease.at("/spec/holderIdentity").asText());
        assertEquals(30, lease.at("/spec/leaseDurationSeconds").asInt());
        assertEquals("10.0.0.1:4443", lease.at("/metadata/annotations/kube-metrics-appliance~1address").asText());
        assertTrue(lease.at("/spec/renewTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));

        ObjectNode slice = sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-b");
        assertEquals("metrics-server", slice.at("/metadata/labels/kubernetes.io~1service-name").asText());
        assertEquals("kube-metrics-appliance", slice.at("/metadata/labels/endpointslice.kubernetes.io~1managed-by").asText());
        assertTrue(slice.at("/endpoints/0/conditions/ready").asBoolean());
        assertEquals(4443, slice.at("/ports/0/port").asInt());
        assertEquals("https", slice.at("/ports/0/name").asText());
    }

    @Test
    void aStaleWriteIsRetriedAndLosesNothing() throws Exception {
        SimKube kubeA = new SimKube(dir, "appliance");
        SimKube kubeB = new SimKube(dir, "appliance");
        Registrar a = registrar(kubeA, "master-a", "10.0.0.1", 4443);
        Registrar b = registrar(kubeB, "master-b", "10.0.0.2", 4443);
        a.round(true);
        // b writes between a's read and a's write of the Endpoints: a's first PUT is stale
        kubeA.beforeWrite = (method, path) -> {
            if (path.endsWith("/endpoints/metrics-server")) {
                kubeA.beforeWrite = (m, p) -> { };
                b.round(true);
            }
        };
        a.readinessChanged(false);
        assertEquals(1, kubeA.conflicts, "a's stale PUT got 409 Conflict");
        assertEquals(List.of("10.0.0.2:4443"), ready(), "b's address survived a's retried write");
        assertEquals("10.0.0.1", endpoints().at("/subsets/0/notReadyAddresses/0/ip").asText());
    }

    @Test
    void aPeerWhoseLeaseStandsStillIsRemovedAfterTheLeaseDuration() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        Registrar b = registrar(kube, "master-b", "10.0.0.2", 5443);
        b.round(true);
        a.round(true);
        assertEquals(2, ready().size());
        // b dies (no more rounds); a keeps renewing. Not yet: a has watched b's Lease stand still for 20 s only.
        clock.addAndGet(20 * SECOND);
        a.round(true);
        assertEquals(2, ready().size());
        assertFalse(a.peers().get("kube-metrics-appliance-master-b").expired(clock.get()));
        clock.addAndGet(11 * SECOND);
        a.round(true);
        assertEquals(List.of("10.0.0.1:4443"), ready());
        assertNull(sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-b"),
                "the dead peer's EndpointSlice is deleted");
        assertNotNull(sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-a"));
        // b comes back: its own round puts it back, and a (which sees its Lease move) keeps it
        b.round(true);
        a.round(true);
        assertEquals(2, ready().size());
    }

    @Test
    void anExpiredLeaseDoesNotRemoveAnAddressALiveLeaseAlsoNames() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        Registrar old = registrar(kube, "master-b", "10.0.0.2", 4443);
        old.round(true);
        a.round(true);
        // the host was renamed: its old Lease stands still, the same address renews under the new name
        Registrar renamed = registrar(kube, "master-b-new", "10.0.0.2", 4443);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(10 * SECOND);
            renamed.round(true);
            a.round(true);
            assertEquals(List.of("10.0.0.1:4443", "10.0.0.2:4443"), ready(), "round " + i);
        }
        assertTrue(a.peers().get("kube-metrics-appliance-master-b").expired(clock.get()));
    }

    @Test
    void anOperatorsAddressNoLeaseEverNamedIsNeverRemoved() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        a.round(true);
        ObjectNode ep = endpoints();
        ((com.fasterxml.jackson.databind.node.ArrayNode) ep.at("/subsets/0/addresses")).addObject().put("ip", "10.0.0.9");
        ((com.fasterxml.jackson.databind.node.ArrayNode) ep.at("/subsets/0/addresses")).addObject().put("ip", "10.0.0.8");
        SimKube admin = new SimKube(dir, "admin");
        assertTrue(admin.update("/api/v1/namespaces/kube-system/endpoints/metrics-server", ep.toString()).ok());
        // and the static EndpointSlice manifests --advertise-address prints, with the same labels as the appliances'
        assertTrue(admin.create("/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices", """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"metrics-server-kma-ipv4",
                 "namespace":"kube-system","labels":{"kubernetes.io/service-name":"metrics-server",
                 "endpointslice.kubernetes.io/managed-by":"kube-metrics-appliance"}},"addressType":"IPv4",
                 "endpoints":[{"addresses":["10.0.0.9"],"conditions":{"ready":true}}],
                 "ports":[{"name":"https","port":4443,"protocol":"TCP"}]}""").ok());
        for (int i = 0; i < 4; i++) {
            a.round(true);
            a.readinessChanged(i % 2 == 0);
            clock.addAndGet(31 * SECOND);
        }
        a.round(true);
        assertEquals(List.of("10.0.0.1:4443", "10.0.0.8:4443", "10.0.0.9:4443"), ready(), "the operator's entries are theirs");
        assertNotNull(sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-ipv4"),
                "the static EndpointSlice is the operator's too");
    }

    @Test
    void theAddressOfALeaseDeletedUnderThisHostsEyesIsRemovedAfterOneLeaseDuration() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        Registrar b = registrar(kube, "master-b", "10.0.0.2", 4443);
        b.round(true);
        a.round(true);
        // b crashed and an operator followed the doctor's fix (kubectl delete lease) before its Lease expired
        SimKube admin = new SimKube(dir, "admin");
        assertTrue(admin.delete("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-metrics-appliance-master-b", null).ok());
        a.round(true);
        assertEquals(2, ready().size(), "not before one lease duration");
        clock.addAndGet(31 * SECOND);
        a.round(true);
        assertEquals(List.of("10.0.0.1:4443"), ready());
        assertNull(sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-b"),
                "and its EndpointSlice");
        // a fresh host (never saw b's Lease) leaves an address no Lease names alone
        Registrar c = registrar(kube, "master-c", "10.0.0.3", 4443);
        ObjectNode ep = endpoints();
        ((com.fasterxml.jackson.databind.node.ArrayNode) ep.at("/subsets/0/addresses")).addObject().put("ip", "10.0.0.2");
        assertTrue(admin.update("/api/v1/namespaces/kube-system/endpoints/metrics-server", ep.toString()).ok());
        c.round(true);
        clock.addAndGet(31 * SECOND);
        c.round(true);
        assertTrue(ready().contains("10.0.0.2:4443"), ready().toString());
    }

    @Test
    void withdrawThenReleaseLeavesNoTrace() throws Exception {
        SimKube kube = new SimKube(dir, "appliance");
        Registrar a = registrar(kube, "master-a", "10.0.0.1", 4443);
        Registrar b = registrar(kube, "master-b", "10.0.0.2", 4443);
        a.round(true);
        b.round(true);
        a.withdraw();
        assertEquals(List.of("10.0.0.2:4443"), ready());
        ObjectNode slice = sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-a");
        assertFalse(slice.at("/endpoints/0/conditions/ready").asBoolean());
        assertTrue(slice.at("/endpoints/0/conditions/terminating").asBoolean());
        a.release();
        assertNull(sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-a"));
        assertNull(sim.registrationObjects().get(kind("LEASES"), "kube-system", "kube-metrics-appliance-master-a"));
    }

    @Test
    void kubeApiserver120GetsV1beta1EndpointSlices() throws Exception {
        sim.registrationObjects().serveEndpointSliceV1(false);
        Registrar a = registrar(new SimKube(dir, "appliance"), "master-a", "10.0.0.1", 4443);
        a.round(true);
        ObjectNode slice = sim.registrationObjects().get(kind("ENDPOINT_SLICES"), "kube-system", "metrics-server-kma-master-a");
        assertTrue(slice.at("/endpoints/0/conditions/ready").asBoolean());
        assertTrue(slice.at("/endpoints/0/conditions/terminating").isMissingNode(), "v1beta1 of 1.20 has ready only");
        assertEquals(List.of("10.0.0.1:4443"), ready());
    }

    @Test
    void malformedAnswersCostOneRoundAndNothingThrows() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> garbage = new java.util.concurrent.atomic.AtomicReference<>();
        KubeResources broken = new RegistrationComponentTest.Forwarding(new SimKube(dir, "appliance")) {
            @Override
            public Answer get(String path) throws java.io.IOException {
                String body = garbage.get();
                return body != null && !path.contains("?") && !path.endsWith("/v1") ? new Answer(200, body) : super.get(path);
            }
        };
        Registrar a = registrar(new SimKube(dir, "appliance"), "master-a", "10.0.0.1", 4443);
        Registrar b = new Registrar(broken, new Registrar.Identity(new Member("10.0.0.2", 4443), "master-b", "b", "kube-system",
                "metrics-server", "kube-system", 30), clock::get, Instant::now);
        a.round(true);
        b.round(true);
        for (String body : List.of("[1]", "null", "\"text\"", "", "{\"metadata\":\"x\"}", "{\"metadata\":{\"labels\":[]}}",
                "{\"spec\":7}", "{\"metadata\":{\"annotations\":1}}")) {
            garbage.set(body);
            b.round(true);
            b.readinessChanged(false);
            b.withdraw();
            b.release();
        }
        garbage.set(null);
        b.round(true);
        assertEquals(List.of("10.0.0.1:4443", "10.0.0.2:4443"), ready(), "the next sane round registers again");
    }

    @Test
    void withoutRbacNothingIsWrittenAndNothingThrows() throws Exception {
        // no client certificate: every call is 401; the round logs (once a minute) and returns
        Registrar a = new Registrar(new SimKube(dir, null), new Registrar.Identity(new Member("10.0.0.1", 4443), "master-a", "x", "kube-system", "metrics-server",
                "kube-system", 30), clock::get, Instant::now);
        a.round(true);
        assertTrue(ready().isEmpty());
    }
}
