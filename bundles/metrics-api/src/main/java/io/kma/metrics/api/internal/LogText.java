package io.kma.metrics.api.internal;

/**
 * Caller-supplied values (header values, certificate names, paths) as they may appear in a log line:
 * quoted, control and non-ASCII characters escaped (no forged line breaks or terminal sequences), and
 * cut to a bound (a 17 KB header is not a log line).
 */
final class LogText {

    static final int MAX = 128;

    private LogText() {
    }

    static String quote(String s) {
        if (s == null) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX) + 16).append('"');
        int n = Math.min(s.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (s.length() > MAX) {
            out.append("...(").append(s.length() - MAX).append(" more characters)");
        }
        return out.toString();
    }
}
