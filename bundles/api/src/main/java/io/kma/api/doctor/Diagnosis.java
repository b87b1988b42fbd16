package io.kma.api.doctor;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A group of checks that {@code kube-metrics-appliance doctor} runs, contributed by the bundle that owns
 * what is checked (kube-client checks kube-apiserver, the scraper checks the kubelets). Registered as a
 * service with {@link #NAME} and {@link #ORDER}.
 *
 * <p>The doctor starts the framework with the framework property {@link #MODE} set to {@link #DOCTOR}: in
 * that mode nothing serves and nothing scrapes, so a doctor run beside the running service changes nothing.
 */
@ConsumerType
public interface Diagnosis {

    /** Service property (String): the group's name, e.g. {@code kube-apiserver} or {@code kubelets}. */
    String NAME = "kma.doctor.name";

    /** Service property (Integer): position of the group in the report, lower first. */
    String ORDER = "kma.doctor.order";

    /** Framework property: the mode the launcher runs the framework in; {@link #DOCTOR} or absent. */
    String MODE = "kma.mode";

    /** Value of {@link #MODE} for a doctor run. */
    String DOCTOR = "doctor";

    /**
     * Runs the group's checks in order, handing each finding to {@code report} as soon as it is made.
     * Bounded in time (every network step has a timeout). An expected failure is a {@link Finding.Verdict#FAIL}
     * finding, never an exception.
     */
    void examine(Consumer<Finding> report) throws InterruptedException;
}
