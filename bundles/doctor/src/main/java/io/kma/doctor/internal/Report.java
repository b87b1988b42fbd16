package io.kma.doctor.internal;

import java.io.PrintStream;
import java.util.function.Consumer;

import io.kma.api.doctor.Finding;

/**
 * Prints findings as they come, one line each ({@code FAIL  node worker-2: ...}) with the fix indented under
 * WARN and FAIL lines, and counts them for the summary and the exit code.
 */
final class Report implements Consumer<Finding> {

    private final PrintStream out;
    private int ok;
    private int warnings;
    private int failures;

    Report(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(Finding f) {
        out.printf("%-5s %s: %s%n", f.verdict(), f.check(), f.detail());
        if (f.fix() != null && !f.fix().isBlank()) {
            out.println("      fix: " + f.fix());
        }
        out.flush();
        switch (f.verdict()) {
            case OK -> ok++;
            case WARN -> warnings++;
            case FAIL -> failures++;
            default -> {
                // SKIP: not a check that ran
            }
        }
    }

    synchronized int failures() {
        return failures;
    }

    /** The last line: what passed and what did not. */
    synchronized String summary() {
        int total = ok + warnings + failures;
        String warned = warnings == 0 ? "" : warnings == 1 ? ", 1 warning" : ", " + warnings + " warnings";
        if (failures == 0) {
            return "doctor: all " + total + " checks passed" + warned;
        }
        return "doctor: " + failures + " of " + total + " checks failed" + warned
                + "; apply the fixes above, then run doctor again";
    }
}
