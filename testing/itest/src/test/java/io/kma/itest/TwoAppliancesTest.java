package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.simulator.RegistrationObjects;
import io.kma.simulator.SimClients;
import io.kma.simulator.Simulator;
import io.kma.simulator.SimulatorOptions;

/**
 * Two appliances (two processes of the real distribution, on 127.0.0.21 and 127.0.0.22 with their own ports) behind
 * one simulated kube-apiserver whose aggregator routes through the Service's Endpoints, as kube-apiserver with
 * {@code --enable-aggregator-routing} does: both register themselves; a rolling SIGTERM restart of both costs a client
 * loop through the aggregator no request; a SIGKILLed appliance leaves the Endpoints once its Lease expires, removed
 * by the other; {@code doctor} reports the peer. Short lease settings (4 s, renewed every second) keep it quick.
 */
class TwoAppliancesTest {

    static final String NODES = "/apis/metrics.k8s.io/v1beta1/nodes";

    @TempDir
    Path work;
    Simulator sim;
    final List<Process> processes = new CopyOnWriteArrayList<>();

    /** One appliance process: its host name (Lease name), address and port. */
    record Host(String name, String ip, int port, Path config) {
        String address() {
            return ip + ":" + port;
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
    }

    Host host(String name, String ip) throws Exception {
        int port = Appliance.freePort();
        Path dir = Files.createDirectories(work.resolve(name));
        Path simDir = sim.dir();
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                kubeconfig: %1$s/appliance.kubeconfig
                metricResolution: 5s
                server:
                  bindAddress: %2$s
                  securePort: %3$d
                  certDir: %4$s/certs
                  shutdownDelay: 3s
                kubelet:
                  requestTimeout: 3s
                  useNodeStatusPort: true
                  preferredAddressTypes: [InternalIP, Hostname]
                  certificateAuthority: %1$s/pki/ca.crt
                authentication:
                  requestheaderClientCAFile: %1$s/pki/front-proxy-ca.crt
                  requestheaderAllowedNames: [front-proxy-client]
                registration:
                  advertiseAddress: %2$s
                  allowLoopback: true
                  leaseDurationSeconds: 4
                  renewIntervalSeconds: 1
                """.formatted(simDir, ip, port, dir));
        return new Host(name, ip, port, config);
    }

    Process start(Host h) throws IOException {
        Path dir = h.config().getParent();
        ProcessBuilder pb = new ProcessBuilder(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString(),
                "run", "--config", h.config().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("run.log").toFile()));
        pb.environment().put("KMA_STATE_DIR", dir.resolve("state").toString());
        pb.environment().put("KMA_DEPLOY_DIR", Files.createDirectories(dir.resolve("deploy")).toString());
        // two hosts on one machine: the framework property names each one's Lease and EndpointSlice
        pb.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dkma.registration.hostname=" + h.name());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    String log(Host h) throws IOException {
        return Files.readString(h.config().getParent().resolve("run.log"));
    }

    List<String> ready() {
        return sim.registration().endpoints();
    }

    void awaitReady(List<Host> hosts, Duration timeout) throws InterruptedException {
        List<String> want = hosts.stream().map(Host::address).sorted().toList();
        Appliance.await("ready addresses " + want + " in the Endpoints (have " + ready() + ")", timeout,
                () -> ready().stream().sorted().toList().equals(want));
    }

    /** GETs the node metrics through the aggregator as long as {@code running}; counts answers by status. */
    final class ClientLoop implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger ok = new AtomicInteger();
        final Map<Integer, AtomicInteger> failures = new ConcurrentHashMap<>();
        final List<String> failureBodies = new CopyOnWriteArrayList<>();
        final Thread thread;

        ClientLoop(HttpClient admin) {
            thread = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (running.get() && System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> r = admin.send(HttpRequest.newBuilder(sim.apiserverUrl().resolve(NODES))
                                .timeout(Duration.ofSeconds(15)).header("Accept", "application/json").build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.computeIfAbsent(r.statusCode(), c -> new AtomicInteger()).incrementAndGet();
                            if (failureBodies.size() < 5) {
                                failureBodies.add(r.statusCode() + " " + r.body());
                            }
                        }
                        Thread.sleep(20);
                    } catch (IOException e) {
                        failures.computeIfAbsent(-1, c -> new AtomicInteger()).incrementAndGet();
                        failureBodies.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "client-loop");
            thread.start();
        }

        int failed() {
            return failures.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    String doctor(Host h) throws Exception {
        Path out = Files.createTempFile(work, "doctor", ".log");
        ProcessBuilder pb = new ProcessBuilder(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString(),
                "doctor", "--config", h.config().toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("KMA_STATE_DIR", work.resolve("doctor-state").toString());
        pb.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dkma.registration.hostname=" + h.name());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "doctor did not finish");
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(out);
    }

    static String line(String report, String prefix) {
        return report.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting \"" + prefix + "\":\n" + report));
    }

    @Test
    void bothRegisterHandOverWithoutErrorsAndADeadOneLeavesAfterItsLease() throws Exception {
        sim = Simulator.start(SimulatorOptions.builder(work.resolve("sim")).nodes(2).podsPerNode(2).build());
        sim.registerApplianceService("kube-system", "metrics-server");
        Host a = host("master-a", "127.0.0.21");
        Host b = host("master-b", "127.0.0.22");
        Process pa = start(a);
        Process pb = start(b);
        awaitReady(List.of(a, b), Duration.ofSeconds(90));
        assertTrue(sim.registration().checkNow(), sim.registration().availability().toString());
        String top = SimulatedCluster.kubectl(sim.dir(), work, "top", "node");
        assertTrue(top.contains("sim-node-0") && top.contains("sim-node-1"), top);

        String report = doctor(a);
        assertTrue(line(report, "OK    registration: ").contains("host master-a registers 127.0.0.21:" + a.port()), report);
        assertTrue(line(report, "OK    Endpoints kube-system/metrics-server: ").contains("this host's " + a.address() + " is ready"), report);
        assertTrue(line(report, "OK    peer master-b: ").startsWith("OK    peer master-b: " + b.address() + ", Lease renewed "), report);
        assertTrue(line(report, "OK    Lease kube-system/kube-metrics-appliance-master-a: ").contains("renewed"), report);
        line(report, "OK    registration RBAC: may write the Endpoints kube-system/metrics-server");

        // Rolling restart under load: SIGTERM takes the address out of the Endpoints first, then the process serves
        // on for server.shutdownDelay and exits 0; the restarted one is back once ready.
        try (ClientLoop loop = new ClientLoop(SimClients.admin(sim.dir()))) {
            for (Host h : List.of(a, b)) {
                Process p = h == a ? pa : pb;
                int before = loop.ok.get();
                Appliance.await("requests served before stopping " + h.name(), Duration.ofSeconds(30), () -> loop.ok.get() > before + 10);
                p.destroy(); // SIGTERM
                long signalled = System.nanoTime();
                Appliance.await(h.address() + " leaves the Endpoints", Duration.ofSeconds(10), () -> !ready().contains(h.address()));
                long removedMillis = (System.nanoTime() - signalled) / 1_000_000;
                assertTrue(p.isAlive(), h.name() + " must still serve after its address left the Endpoints (removed after "
                        + removedMillis + " ms)");
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), h.name() + " did not stop within 30 s of SIGTERM");
                assertEquals(0, p.exitValue(), log(h));
                assertTrue(log(h).contains("withdrawn from the Service's Endpoints; serving on for"), log(h));
                Process restarted = start(h);
                if (h == a) {
                    pa = restarted;
                } else {
                    pb = restarted;
                }
                awaitReady(List.of(a, b), Duration.ofSeconds(90));
            }
            int before = loop.ok.get();
            Appliance.await("requests served after the restarts", Duration.ofSeconds(30), () -> loop.ok.get() > before + 10);
            loop.close();
            assertEquals(0, loop.failed(), "failed requests during the rolling restart " + loop.failures + ": " + loop.failureBodies);
            assertTrue(loop.ok.get() > 50, "requests served: " + loop.ok.get());
            System.out.printf("rolling SIGTERM restart of 2 appliances: %d requests through the aggregator, %d failed%n",
                    loop.ok.get(), loop.failed());
        }

        // SIGKILL: no hand-over; the survivor removes the address once it has seen the Lease stand still for 4 s.
        pb.destroyForcibly();
        long killed = System.nanoTime();
        assertTrue(pb.waitFor(20, TimeUnit.SECONDS));
        awaitReady(List.of(a), Duration.ofSeconds(30));
        System.out.printf("SIGKILLed appliance out of the Endpoints after %d ms (lease 4 s, renewed every 1 s)%n",
                (System.nanoTime() - killed) / 1_000_000);
        assertNotNull(sim.registrationObjects().get(RegistrationObjects.Kind.LEASES, "kube-system", "kube-metrics-appliance-master-b"),
                "the dead host's Lease stays (nobody released it): its address was removed by its peer");
        Appliance.await("the dead host's EndpointSlice is deleted by its peer", Duration.ofSeconds(10), () ->
                sim.registrationObjects().get(RegistrationObjects.Kind.ENDPOINT_SLICES, "kube-system", "metrics-server-kma-master-b") == null);
        assertTrue(log(a).contains("removed " + b.address() + " from Endpoints kube-system/metrics-server: its Lease was not renewed"), log(a));
        HttpClient admin = SimClients.admin(sim.dir());
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = admin.send(HttpRequest.newBuilder(sim.apiserverUrl().resolve(NODES))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "after the dead one left, every request is served: " + r.body());
        }

        report = doctor(a);
        String peer = line(report, "WARN  peer master-b: ");
        assertTrue(peer.contains(b.address() + ": Lease not renewed for"), peer);
        List<String> lines = report.lines().toList();
        assertTrue(lines.get(lines.indexOf(peer) + 1).contains("kubectl -n kube-system delete lease kube-metrics-appliance-master-b"),
                report);
        assertFalse(report.contains("stale " + b.address()), "its address is already gone:\n" + report);

        // a clean stop releases everything: no Lease, no EndpointSlice, no address
        pa.destroy();
        assertTrue(pa.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, pa.exitValue());
        assertTrue(ready().isEmpty(), ready().toString());
        assertNull(sim.registrationObjects().get(RegistrationObjects.Kind.LEASES, "kube-system", "kube-metrics-appliance-master-a"));
        assertNull(sim.registrationObjects().get(RegistrationObjects.Kind.ENDPOINT_SLICES, "kube-system", "metrics-server-kma-master-a"));
    }
}
