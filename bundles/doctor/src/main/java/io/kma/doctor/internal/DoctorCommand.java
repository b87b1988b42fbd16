package io.kma.doctor.internal;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.kma.api.config.ConfigurationStatus;
import io.kma.api.doctor.Diagnosis;
import io.kma.api.doctor.Finding;
import io.kma.api.runtime.Command;

/**
 * {@code kube-metrics-appliance doctor}: checks that the configuration applied, then runs every bundle's
 * {@link Diagnosis} in order and prints each finding. The launcher runs it as the {@link Command} {@code doctor}.
 */
@Component(service = Command.class, property = Command.NAME + "=doctor")
public final class DoctorCommand implements Command {

    /** The groups a complete installation contributes, and the bundle that contributes each. */
    static final Map<String, String> EXPECTED = Map.of(
            "kube-apiserver", "io.kma.kube.client",
            "kubelets", "io.kma.scraper");

    private static final long POLL_MILLIS = 100;

    private final Map<Diagnosis, Map<String, Object>> diagnoses = new ConcurrentHashMap<>();
    private volatile Map<String, Object> configStatus;
    private final long configWaitMillis;
    private final long groupsWaitMillis;

    public DoctorCommand() {
        this(15_000, 20_000);
    }

    DoctorCommand(long configWaitMillis, long groupsWaitMillis) {
        this.configWaitMillis = configWaitMillis;
        this.groupsWaitMillis = groupsWaitMillis;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDiagnosis(Diagnosis d, Map<String, Object> props) {
        diagnoses.put(d, Map.copyOf(props));
    }

    void unbindDiagnosis(Diagnosis d) {
        diagnoses.remove(d);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStatus(ConfigurationStatus s, Map<String, Object> props) {
        configStatus = Map.copyOf(props);
    }

    void updatedStatus(ConfigurationStatus s, Map<String, Object> props) {
        configStatus = Map.copyOf(props);
    }

    void unbindStatus(ConfigurationStatus s) {
        configStatus = null;
    }

    @Override
    public int run(PrintStream out) {
        Report report = new Report(out);
        try {
            if (configuration(report)) {
                for (Diagnosis d : groups(report)) {
                    d.examine(report);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.accept(Finding.fail("doctor", "interrupted", null));
        }
        out.println();
        out.println(report.summary());
        out.flush();
        return report.failures() == 0 ? 0 : 1;
    }

    /** The config bundle's verdict on config.yaml; false when nothing else can be checked. */
    private boolean configuration(Report report) throws InterruptedException {
        Map<String, Object> s = await(() -> configStatus, configWaitMillis);
        if (s == null) {
            report.accept(Finding.fail("configuration", "the config bundle reported no status within "
                    + configWaitMillis / 1000 + " s", "check that the bundle io.kma.config is installed and ACTIVE"));
            return skipRest(report);
        }
        Object path = s.get(ConfigurationStatus.PATH);
        if (ConfigurationStatus.INVALID.equals(s.get(ConfigurationStatus.STATE))) {
            report.accept(Finding.fail("configuration", String.valueOf(s.get(ConfigurationStatus.ERROR)),
                    "correct that key in " + path + " (the shipped config.yaml documents every key), then run doctor again"));
            return skipRest(report);
        }
        if (path != null && !Files.exists(Path.of(path.toString()))) {
            report.accept(Finding.warn("configuration", path + " does not exist: the built-in defaults apply",
                    "install the package's config.yaml there (or pass --config FILE) and set kubeconfig and kubelet.*"));
        } else {
            report.accept(Finding.ok("configuration", path + " is valid"));
        }
        return true;
    }

    private static boolean skipRest(Report report) {
        report.accept(Finding.skip("other checks", "they need a configuration that applies"));
        return false;
    }

    /** The diagnoses in report order, once the expected ones are there (bounded wait); a missing one is a FAIL. */
    private List<Diagnosis> groups(Report report) throws InterruptedException {
        await(() -> names().containsAll(EXPECTED.keySet()) ? Boolean.TRUE : null, groupsWaitMillis);
        for (Map.Entry<String, String> e : new TreeMap<>(EXPECTED).entrySet()) {
            if (!names().contains(e.getKey())) {
                report.accept(Finding.fail(e.getKey(), "no checks were registered for " + e.getKey(),
                        "check that the bundle " + e.getValue() + " is installed and ACTIVE and that its configuration applies"));
            }
        }
        Map<Diagnosis, Map<String, Object>> now = new LinkedHashMap<>(diagnoses);
        List<Diagnosis> ordered = new ArrayList<>(now.keySet());
        ordered.sort(Comparator.comparingInt((Diagnosis d) -> order(now.get(d)))
                .thenComparing(d -> String.valueOf(now.get(d).get(Diagnosis.NAME))));
        return ordered;
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> p : diagnoses.values()) {
            Object n = p.get(Diagnosis.NAME);
            if (n != null) {
                names.add(n.toString());
            }
        }
        return names;
    }

    private static int order(Map<String, Object> props) {
        return props.get(Diagnosis.ORDER) instanceof Integer i ? i : Integer.MAX_VALUE;
    }

    private static <T> T await(Supplier<T> value, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        T v = value.get();
        while (v == null && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            v = value.get();
        }
        return v;
    }
}
