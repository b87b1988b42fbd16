package io.kma.api.doctor;

import java.util.Objects;

/**
 * One line of the doctor's report.
 *
 * @param verdict how the check came out
 * @param check   what was checked, short, e.g. {@code kubeconfig} or {@code node worker-1}
 * @param detail  what was found, one sentence; never secret material
 * @param fix     for WARN and FAIL: the exact action that fixes it (a command, a key and its value); else null
 */
public record Finding(Verdict verdict, String check, String detail, String fix) {

    /** Verdicts; only {@link #FAIL} makes the doctor exit non-zero. */
    public enum Verdict {
        OK, WARN, FAIL, SKIP
    }

    public Finding {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
    }

    public static Finding ok(String check, String detail) {
        return new Finding(Verdict.OK, check, detail, null);
    }

    public static Finding warn(String check, String detail, String fix) {
        return new Finding(Verdict.WARN, check, detail, fix);
    }

    public static Finding fail(String check, String detail, String fix) {
        return new Finding(Verdict.FAIL, check, detail, fix);
    }

    /** A check that could not run because an earlier one failed, or that does not apply here. */
    public static Finding skip(String check, String why) {
        return new Finding(Verdict.SKIP, check, why, null);
    }
}
