package io.kma.launcher;

import java.io.PrintStream;
import java.util.OptionalInt;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import io.kma.api.runtime.Command;

/** A subcommand that a bundle carries out: its {@link Command} service, named by {@link Command#NAME}. */
final class BundleCommand {

    /** How long the framework may take to register the command after the bundles started. */
    static final long WAIT_MILLIS = 15_000;

    private BundleCommand() {
    }

    /**
     * Waits (at most {@code waitMillis}) for the command {@code name} and runs it; its exit code, or empty when no
     * such service appeared in time.
     */
    static OptionalInt run(BundleContext context, String name, long waitMillis, PrintStream out)
            throws InvalidSyntaxException, InterruptedException {
        ServiceTracker<Command, Command> tracker = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=" + Command.class.getName() + ")(" + Command.NAME + "=" + name + "))"), null);
        tracker.open();
        try {
            Command command = tracker.waitForService(waitMillis);
            return command == null ? OptionalInt.empty() : OptionalInt.of(command.run(out));
        } finally {
            tracker.close();
        }
    }
}
