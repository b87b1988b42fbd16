package io.kma.launcher;

/** One-line descriptions of exceptions, for logs that must never carry stack traces for expected failures. */
final class Problems {

    private Problems() {
    }

    static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        Throwable cause = t;
        for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
            if (depth > 0) {
                out.append(" <- ");
            }
            String message = cause.getMessage();
            out.append(message == null || message.isBlank() ? cause.getClass().getSimpleName()
                    : message.replaceAll("\\s*\\R\\s*", " "));
        }
        return out.toString();
    }
}
