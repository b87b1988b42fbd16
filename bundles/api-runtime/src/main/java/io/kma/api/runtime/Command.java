package io.kma.api.runtime;

import java.io.PrintStream;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A launcher subcommand carried out by a bundle ({@code doctor}, {@code identity}): the launcher starts the framework
 * for it, waits (bounded) for the service whose {@link #NAME} is the subcommand, runs it and exits with its result.
 * Options reach the command as framework properties.
 */
@ConsumerType
public interface Command {

    /** Service property (String): the subcommand, e.g. {@code doctor}. */
    String NAME = "kma.command";

    /**
     * Runs the command, writing its report to {@code out}; returns the process exit code (0 success). Bounded in
     * time; an expected failure is reported on {@code out} with a non-zero code, never thrown.
     */
    int run(PrintStream out);
}
