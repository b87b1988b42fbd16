package io.kma.doctor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kma.api.config.ConfigurationStatus;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;

class DoctorCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private static Run run(DoctorCommand doctor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = doctor.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Diagnosis diagnosis(Finding... findings) {
        return (Consumer<Finding> report) -> List.of(findings).forEach(report);
    }

    private static Map<String, Object> props(String name, int order) {
        return Map.of(Diagnosis.NAME, name, Diagnosis.ORDER, order);
    }

    private DoctorCommand valid() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "kubeconfig: /x\n");
        DoctorCommand d = new DoctorCommand(200, 200);
        d.bindStatus(new ConfigurationStatus() { }, Map.of(ConfigurationStatus.PATH, config.toString(),
                ConfigurationStatus.STATE, ConfigurationStatus.VALID));
        return d;
    }

    @Test
    void runsGroupsInOrderAndExitsZeroWhenNothingFails() throws Exception {
        DoctorCommand d = valid();
        d.bindDiagnosis(diagnosis(Finding.ok("node a", "answered 200"), Finding.warn("nodes", "slow", "look")),
                props("kubelets", 40));
        d.bindDiagnosis(diagnosis(Finding.ok("kube-apiserver", "answers")), props("kube-apiserver", 20));
        Run r = run(d);
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertTrue(lines.get(0).startsWith("OK    configuration: ") && lines.get(0).endsWith("config.yaml is valid"), r.output());
        assertEquals("OK    kube-apiserver: answers", lines.get(1));
        assertEquals("OK    node a: answered 200", lines.get(2));
        assertEquals("WARN  nodes: slow", lines.get(3));
        assertEquals("      fix: look", lines.get(4));
        assertEquals("doctor: all 4 checks passed, 1 warning", lines.get(lines.size() - 1));
    }

    @Test
    void aFailMakesTheExitCodeOneAndPrintsTheFix() throws Exception {
        DoctorCommand d = valid();
        d.bindDiagnosis(diagnosis(Finding.fail("RBAC", "cannot list pods", "kubectl apply -f rbac.yaml")),
                props("kube-apiserver", 20));
        d.bindDiagnosis(diagnosis(Finding.skip("nodes", "needs kube-apiserver")), props("kubelets", 40));
        Run r = run(d);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("FAIL  RBAC: cannot list pods\n      fix: kubectl apply -f rbac.yaml\n"), r.output());
        assertTrue(r.output().contains("SKIP  nodes: needs kube-apiserver"), r.output());
        assertTrue(r.output().strip().endsWith("doctor: 1 of 2 checks failed; apply the fixes above, then run doctor again"),
                r.output());
    }

    @Test
    void invalidConfigurationStopsAtTheFirstCheckNamingTheKey() {
        DoctorCommand d = new DoctorCommand(200, 200);
        d.bindStatus(new ConfigurationStatus() { }, Map.of(ConfigurationStatus.PATH, "/etc/kma/config.yaml",
                ConfigurationStatus.STATE, ConfigurationStatus.INVALID, ConfigurationStatus.ERROR,
                "/etc/kma/config.yaml:3: kubelet.requestTimeout: \"10x\" is not a duration"));
        d.bindDiagnosis(diagnosis(Finding.ok("kube-apiserver", "answers")), props("kube-apiserver", 20));
        Run r = run(d);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().startsWith("FAIL  configuration: /etc/kma/config.yaml:3: kubelet.requestTimeout"), r.output());
        assertTrue(!r.output().contains("answers"), "no later check ran:\n" + r.output());
    }

    @Test
    void aMissingGroupIsAFailNamingItsBundle() throws Exception {
        DoctorCommand d = valid();
        d.bindDiagnosis(diagnosis(Finding.ok("kube-apiserver", "answers")), props("kube-apiserver", 20));
        Run r = run(d);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("FAIL  kubelets: no checks were registered for kubelets\n"
                + "      fix: check that the bundle io.kma.scraper is installed and ACTIVE"), r.output());
    }

    @Test
    void noConfigurationStatusIsAFail() {
        Run r = run(new DoctorCommand(100, 100));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("io.kma.config"), r.output());
    }
}
