package io.kma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.simulator.FaultMode;
import io.kma.simulator.LoadProfile;

/**
 * {@code kube-metrics-appliance doctor} as an operator runs it: a real process with the running appliance's
 * configuration, beside that appliance, against the simulated cluster over real TLS.
 */
class DoctorTest {

    @TempDir
    static Path work;

    static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start(work, 3, 2);
        cluster.awaitAllMetrics();
        Appliance.await("APIService Available", Duration.ofSeconds(30), () -> {
            cluster.sim.registration().checkNow();
            return cluster.sim.registration().availability().available();
        });
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result doctor(String... args) throws Exception {
        return doctorWithJavaOpts(null, args);
    }

    private static Result doctorWithJavaOpts(String javaOpts, String... args) throws Exception {
        Path out = Files.createTempFile(work, "doctor", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Appliance.distribution().resolve("bin/kube-metrics-appliance").toString());
        cmd.add("doctor");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("KMA_STATE_DIR", work.resolve("doctor-state").toString());
        if (javaOpts != null) {
            pb.environment().put("JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "doctor did not finish");
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static Path manifest(String name, boolean aggregatorRouting) throws Exception {
        Path pki = cluster.sim.dir().resolve("pki");
        return Files.writeString(work.resolve(name), """
                apiVersion: v1
                kind: Pod
                metadata: {name: kube-apiserver, namespace: kube-system}
                spec:
                  containers:
                  - name: kube-apiserver
                    command:
                    - kube-apiserver
                    - --requestheader-client-ca-file=%1$s/front-proxy-ca.crt
                    - --requestheader-allowed-names=front-proxy-client
                    - --requestheader-username-headers=X-Remote-User
                    - --requestheader-group-headers=X-Remote-Group
                    - --requestheader-extra-headers-prefix=X-Remote-Extra-
                    - --proxy-client-cert-file=%1$s/front-proxy-client.crt
                    - --proxy-client-key-file=%1$s/front-proxy-client.key
                    - --enable-aggregator-routing=%2$s
                """.formatted(pki, aggregatorRouting));
    }

    private static Path config() {
        return cluster.appliance.workDir().resolve("config.yaml");
    }

    @Test
    void healthyClusterPassesEveryCheckWithoutDisturbingTheRunningAppliance() throws Exception {
        Result r = doctor("--config", config().toString(), "--apiserver-manifest", manifest("good.yaml", true).toString());
        assertEquals(0, r.exit(), r.output());
        for (String line : List.of("OK    configuration: ", "OK    kubeconfig: ", "OK    kube-apiserver: ", "OK    RBAC: ",
                "OK    APIService v1beta1.metrics.k8s.io: ", "OK    kube-apiserver flags: ", "OK    kubelet settings: ")) {
            assertTrue(r.output().contains("\n" + line), "no line starting " + line + ":\n" + r.output());
        }
        for (int i = 0; i < 3; i++) {
            String node = "OK    node " + LoadProfile.nodeName(i) + ": ";
            String line = r.output().lines().filter(l -> l.startsWith(node)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + node + "line:\n" + r.output()));
            assertTrue(line.contains("200"), line);
        }
        assertTrue(r.output().lines().noneMatch(l -> l.startsWith("FAIL") || l.startsWith("\tat ")), r.output());
        assertTrue(r.output().strip().endsWith("checks passed"), r.output());
        // it neither bound the appliance's port nor touched its state: the appliance still serves
        assertEquals(200, cluster.appliance.status("/livez"));
    }

    @Test
    void eachBrokenThingIsOneFailWithItsFix() throws Exception {
        String bad = LoadProfile.nodeName(1);
        cluster.sim.faults().set(bad, FaultMode.HTTP_401);
        try {
            Result r = doctor("--config", config().toString(), "--apiserver-manifest",
                    manifest("no-routing.yaml", false).toString());
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("FAIL  kube-apiserver --enable-aggregator-routing: "), r.output());
            assertTrue(r.output().contains("fix: add - --enable-aggregator-routing=true in " + work.resolve("no-routing.yaml")),
                    r.output());
            String node = r.output().lines().filter(l -> l.startsWith("FAIL  node " + bad + ": ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no FAIL line for " + bad + ":\n" + r.output()));
            assertTrue(node.contains("401"), node);
            List<String> lines = r.output().lines().toList();
            String fix = lines.get(lines.indexOf(node) + 1);
            assertTrue(fix.startsWith("      fix: ") && fix.contains("client-ca-file"), fix);
            assertTrue(r.output().contains("OK    node " + LoadProfile.nodeName(0) + ": "), r.output());
            assertTrue(r.output().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + r.output());
        } finally {
            cluster.sim.faults().clearAll();
        }
    }

    @Test
    void aCredentialTheServiceUserCannotReadIsAFailWithTheFix() throws Exception {
        // The files live under JUnit's temporary directory (rwx------, owned by the test's user): another user
        // cannot reach them, as the service user cannot reach kubeadm's root-only keys.
        assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("nobody:"))
                && !"nobody".equals(System.getProperty("user.name")), "needs a user nobody other than the test's user");
        Result r = doctorWithJavaOpts("-Dkma.doctor.service-user=nobody", "--config", config().toString(),
                "--apiserver-manifest", manifest("good2.yaml", true).toString());
        assertEquals(1, r.exit(), r.output());
        Path key = cluster.sim.dir().resolve("appliance.kubeconfig");
        String line = r.output().lines().filter(l -> l.startsWith("FAIL  file " + key + ": ")).findFirst()
                .orElseThrow(() -> new AssertionError("no FAIL line for " + key + ":\n" + r.output()));
        assertTrue(line.contains("nobody (the service's user) cannot "), line);
        assertTrue(r.output().contains("fix: never copy a root-only key for the service: for a credential, give the appliance"
                + " its own identity (sudo kube-metrics-appliance identity --approve"), r.output());
        // everything else still passes: only the files are the problem
        assertTrue(r.output().lines().filter(l -> l.startsWith("FAIL")).allMatch(l -> l.startsWith("FAIL  file ")),
                r.output());
    }

    @Test
    void invalidConfigurationIsTheFirstAndOnlyFail() throws Exception {
        Path broken = Files.writeString(work.resolve("broken.yaml"), "kubelet:\n  requestTimeout: 10x\n");
        Result r = doctor("--config", broken.toString());
        assertEquals(1, r.exit(), r.output());
        String first = r.output().lines().filter(l -> l.startsWith("FAIL")).findFirst().orElseThrow();
        assertTrue(first.startsWith("FAIL  configuration: ") && first.contains("kubelet.requestTimeout"), first);
        assertEquals(1, r.output().lines().filter(l -> l.startsWith("FAIL")).count(), r.output());
    }
}
