package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.doctor.Finding;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/** The doctor's registration lines against the simulator: this host, its Lease, peers with ages, stale entries. */
class RegistrationDiagnosisTest {

    @TempDir
    Path dir;
    Simulator sim;

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(dir).nodes(1).podsPerNode(0).build());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    static RegistrationConfig config(String advertise) {
        return config(advertise, 10, false, 4443);
    }

    /** A registration config with a 30 s lease and no shutdown delay (also RegistrationComponentTest's). */
    static RegistrationConfig config(String advertise, int renewSeconds, boolean allowLoopback, int port) {
        return new RegistrationConfig() {
            @Override public Class<? extends Annotation> annotationType() { return RegistrationConfig.class; }
            @Override public boolean enabled() { return true; }
            @Override public String advertiseAddress() { return advertise; }
            @Override public String service() { return "kube-system/metrics-server"; }
            @Override public String leaseNamespace() { return "kube-system"; }
            @Override public int leaseDurationSeconds() { return 30; }
            @Override public int renewIntervalSeconds() { return renewSeconds; }
            @Override public boolean allowLoopback() { return allowLoopback; }
            @Override public int securePort() { return port; }
            @Override public long shutdownDelayMillis() { return 0; }
        };
    }

    List<Finding> doctor(Instant now) throws Exception {
        RegistrationDiagnosis d = new RegistrationDiagnosis();
        d.kube = new SimKube(dir, "appliance");
        d.activate(RegistrationComponentTest.context(), config("10.0.0.1"));
        d.clock = () -> now;
        List<Finding> out = new ArrayList<>();
        d.examine(out::add);
        return out;
    }

    /** Applies the {@code -p '[...]'} of a printed {@code kubectl patch --type=json} (test and remove operations). */
    static String applyJsonPatch(String object, String command) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String patch = command.substring(command.indexOf("-p '") + 4, command.lastIndexOf('\''));
        com.fasterxml.jackson.databind.JsonNode doc = json.readTree(object);
        for (com.fasterxml.jackson.databind.JsonNode op : json.readTree(patch)) {
            String path = op.path("path").asText();
            if (op.path("op").asText().equals("test")) {
                if (!doc.at(path).equals(op.path("value"))) {
                    throw new AssertionError("test failed at " + path);
                }
            } else {
                int slash = path.lastIndexOf('/');
                ((com.fasterxml.jackson.databind.node.ArrayNode) doc.at(path.substring(0, slash))).remove(Integer.parseInt(path.substring(slash + 1)));
            }
        }
        return doc.toString();
    }

    static Finding line(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + check + " in " + findings));
    }

    @Test
    void reportsThisHostPeersAndStaleEntriesWithTheFix() throws Exception {
        AtomicLong nanos = new AtomicLong();
        SimKube kube = new SimKube(dir, "appliance");
        new Registrar(kube, new Registrar.Identity(new Member("10.0.0.1", 4443), "master-a", "a", "kube-system", "metrics-server",
                "kube-system", 30), nanos::get, Instant::now).round(true);
        Registrar b = new Registrar(kube, new Registrar.Identity(new Member("10.0.0.2", 4443), "master-b", "b", "kube-system",
                "metrics-server", "kube-system", 30), nanos::get, Instant::now);
        b.round(true);

        List<Finding> now = doctor(Instant.now());
        assertTrue(now.stream().noneMatch(f -> f.verdict() != Finding.Verdict.OK), now.toString());
        assertEquals(Finding.Verdict.OK, line(now, "registration RBAC").verdict());
        assertTrue(line(now, "registration").detail().contains("host master-a registers 10.0.0.1:4443 in Endpoints kube-system/metrics-server"));
        assertTrue(line(now, "Endpoints kube-system/metrics-server").detail().contains("ready [10.0.0.1:4443, 10.0.0.2:4443]"));
        assertTrue(line(now, "peer master-b").detail().startsWith("10.0.0.2:4443, Lease renewed "));
        assertEquals(Finding.Verdict.OK, line(now, "EndpointSlice metrics-server-kma-master-a").verdict());

        // a minute later nobody renewed: both Leases expired; b's address is stale until a running appliance removes it
        List<Finding> later = doctor(Instant.now().plusSeconds(60));
        Finding own = line(later, "Lease kube-system/kube-metrics-appliance-master-a");
        assertEquals(Finding.Verdict.FAIL, own.verdict());
        assertTrue(own.fix().contains("systemctl status kube-metrics-appliance"), own.fix());
        Finding peer = line(later, "peer master-b");
        assertEquals(Finding.Verdict.WARN, peer.verdict());
        assertTrue(peer.fix().contains("kubectl -n kube-system delete lease kube-metrics-appliance-master-b"), peer.fix());
        Finding stale = line(later, "stale 10.0.0.2:4443");
        assertTrue(stale.fix().contains("kubectl -n kube-system patch endpoints metrics-server --type=json -p '["), stale.fix());
        assertTrue(stale.detail().contains("its Lease expired; the running appliances remove it"), stale.detail());
        // an operator's entry no Lease names: no appliance touches it, and the doctor says so
        com.fasterxml.jackson.databind.node.ObjectNode ep = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                kube.get("/api/v1/namespaces/kube-system/endpoints/metrics-server").body());
        ((com.fasterxml.jackson.databind.node.ArrayNode) ep.at("/subsets/0/addresses")).addObject().put("ip", "10.0.0.9");
        assertTrue(new SimKube(dir, "admin").update("/api/v1/namespaces/kube-system/endpoints/metrics-server", ep.toString()).ok());
        Finding operators = line(doctor(Instant.now()), "stale 10.0.0.9:4443");
        assertTrue(operators.detail().contains("no Lease names it, so no appliance removes it"), operators.detail());
        // the printed command, applied as kube-apiserver applies a JSON patch, removes that address and nothing else
        String patched = applyJsonPatch(ep.toString(), operators.fix());
        assertEquals(List.of("10.0.0.1:4443", "10.0.0.2:4443"), EndpointsEdit.members(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(patched).path("subsets")).stream().map(Member::toString).toList());
        // and is refused when the Endpoints changed since (its test operation): an address inserted before it
        ((com.fasterxml.jackson.databind.node.ArrayNode) ep.at("/subsets/0/addresses")).insert(0,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("ip", "10.0.0.5"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> applyJsonPatch(ep.toString(), operators.fix()));
        assertEquals(Finding.Verdict.WARN, line(later, "stale EndpointSlice metrics-server-kma-master-b").verdict());

        b.withdraw();
        b.release();
        List<Finding> gone = doctor(Instant.now());
        assertTrue(gone.stream().noneMatch(f -> f.check().contains("master-b") || f.check().contains("10.0.0.2")), gone.toString());
    }

    @Test
    void missingRbacIsOneFailNamingWhatIsDenied() throws Exception {
        // the simulator's viewer (jane) has none of the registration's permissions
        RegistrationDiagnosis d = new RegistrationDiagnosis();
        d.kube = new SimKube(dir, null, java.nio.file.Files.readString(dir.resolve("viewer-token")).trim());
        d.activate(RegistrationComponentTest.context(), config("10.0.0.1"));
        List<Finding> out = new ArrayList<>();
        d.examine(out::add);
        Finding rbac = line(out, "registration RBAC");
        assertEquals(Finding.Verdict.FAIL, rbac.verdict(), out.toString());
        assertTrue(rbac.detail().startsWith("may not get endpoints metrics-server in kube-system, update endpoints metrics-server"),
                rbac.detail());
        assertTrue(rbac.fix().contains("manifests --hosts"), rbac.fix());
    }

    @Test
    void aLoopbackAdvertiseAddressFailsWithTheKeyToSet() throws Exception {
        RegistrationDiagnosis d = new RegistrationDiagnosis();
        d.kube = new SimKube(dir, "appliance");
        d.activate(RegistrationComponentTest.context(), config(""));   // the route to the simulator's 127.0.0.1 is loopback
        List<Finding> out = new ArrayList<>();
        d.examine(out::add);
        assertEquals(Finding.Verdict.FAIL, out.get(0).verdict(), out.toString());
        assertTrue(out.get(0).detail().contains("is a loopback address, which kube-apiserver refuses in Endpoints"), out.get(0).detail());
        assertTrue(out.get(0).fix().contains("registration.advertiseAddress"), out.get(0).fix());
    }
}
