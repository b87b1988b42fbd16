package io.kma.launcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and {@code --name=value} options of one subcommand; anything else is a usage error. */
final class Options {

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private Options() {
    }

    /** @param defaults every allowed option with its default value */
    static Map<String, String> parse(List<String> args, Map<String, String> defaults) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!defaults.containsKey(name)) {
                throw new UsageException("unknown argument " + arg);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            if (value.isEmpty()) {
                throw new UsageException(name + " needs a value");
            }
            values.put(name, value);
        }
        return values;
    }

    static int positiveInt(Map<String, String> values, String name, int max) throws UsageException {
        try {
            int n = Integer.parseInt(values.get(name));
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a whole number from 1 to " + max);
    }
}
