package io.kma.config.internal;

import java.util.List;

/** The configuration file cannot be applied; every error is one line naming the file, line and key. */
final class InvalidConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    InvalidConfigException(List<String> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    List<String> errors() {
        return errors;
    }

    private static String summary(List<String> errors) {
        if (errors.size() == 1) {
            return errors.get(0);
        }
        return errors.get(0) + " (and " + (errors.size() - 1) + " more error" + (errors.size() > 2 ? "s" : "") + ")";
    }
}
