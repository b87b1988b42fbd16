package io.kma.scraper.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the kubelet's {@code /metrics/resource} body (Prometheus text format 0.0.4) straight from
 * the response bytes: no regex, no String per line, no copy of the body. Only the five series of
 * DESIGN.md §2 are decoded (a name matches only when the next byte is '{' or a blank); every other
 * line is skipped after a check of its name. Numbers are decoded as decimal mantissa and exponent,
 * so CPU seconds become integer nanoseconds without a floating-point round trip.
 *
 * <p>One instance parses one body; it is cheap. The {@link Interner} is shared across scrapes.
 */
final class ResourceMetricsParser {

    private static final byte[] NODE_CPU = ascii("node_cpu_usage_seconds_total");
    private static final byte[] NODE_MEMORY = ascii("node_memory_working_set_bytes");
    private static final byte[] CONTAINER_CPU = ascii("container_cpu_usage_seconds_total");
    private static final byte[] CONTAINER_MEMORY = ascii("container_memory_working_set_bytes");
    private static final byte[] CONTAINER_START = ascii("container_start_time_seconds");
    private static final byte[] LABEL_CONTAINER = ascii("container");
    private static final byte[] LABEL_NAMESPACE = ascii("namespace");
    private static final byte[] LABEL_POD = ascii("pod");
    private static final byte[] OPEN_CONTAINER = ascii("container=\"");
    private static final byte[] OPEN_NAMESPACE = ascii("namespace=\"");
    private static final byte[] OPEN_POD = ascii("pod=\"");

    private static final int OTHER = -1;
    private static final int F_NODE_CPU = 0;
    private static final int F_NODE_MEMORY = 1;
    private static final int F_CONTAINER_CPU = 2;
    private static final int F_CONTAINER_MEMORY = 3;
    private static final int F_CONTAINER_START = 4;
    /** The kept families' names by family number. */
    private static final byte[][] FAMILY_BYTES = {NODE_CPU, NODE_MEMORY, CONTAINER_CPU, CONTAINER_MEMORY, CONTAINER_START};
    /** The same, for error messages. */
    private static final String[] FAMILY_NAMES = Arrays.stream(FAMILY_BYTES)
            .map(name -> new String(name, StandardCharsets.US_ASCII)).toArray(String[]::new);

    private static final long[] POW10 = new long[19];
    /** Metric-name bytes ([a-zA-Z0-9_:]) by unsigned value: one load per byte instead of six comparisons. */
    private static final boolean[] NAME_CHAR = new boolean[256];
    /** Eight body bytes at a time, for the newline search. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    static {
        long v = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = v;
            v *= 10;
        }
        for (int c = 0; c < 128; c++) {
            NAME_CHAR[c] = isNameStart((byte) c) || (c >= '0' && c <= '9');
        }
    }

    private final Interner interner;
    private byte[] b;
    private int lineNo;
    private int family;
    // labels of the current line
    private String namespace;
    private String pod;
    private String container;
    // value of the current line: mantissa × 10^exponent
    private long mantissa;
    private int exponent;
    /** Container lines recognised by their label bytes (see sameLabelsAsExpected), for tests. */
    private int recognised;

    ResourceMetricsParser(Interner interner) {
        this.interner = interner;
    }

    /**
     * @param body                  the response bytes
     * @param length                number of valid bytes in {@code body}
     * @param defaultTimestampNanos time for samples without an explicit timestamp (the request start)
     * @throws MalformedMetricsException naming the line and what is wrong with it
     */
    /** The largest millisecond timestamp whose nanoseconds fit in a long (2262-04-11T23:47:16.854Z). */
    static final long MAX_TIMESTAMP_MILLIS = Long.MAX_VALUE / 1_000_000L;

    void parse(byte[] body, int length, long defaultTimestampNanos, NodeScrapeAssembler out)
            throws MalformedMetricsException {
        this.b = body;
        out.newBody();
        int pos = 0;
        lineNo = 0;
        while (pos < length) {
            lineNo++;
            int eol = indexOfNewline(body, pos, length);
            int end = eol > pos && body[eol - 1] == '\r' ? eol - 1 : eol;
            parseLine(pos, end, defaultTimestampNanos, out);
            pos = eol + 1;
        }
    }

    /**
     * The first '\n' in {@code b[from, to)}, or {@code to}. Eight bytes per step (the classic "has a zero byte"
     * test on the word XOR newlines): the whole body passes through here once, a byte loop was a fifth of the
     * parse. The lowest flagged byte is always a real match (a borrow only flags bytes above a zero one).
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i) ^ NEWLINES;
            long zero = (w - LOW_BITS) & ~w & HIGH_BITS;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    private void parseLine(int p, int end, long defaultTs, NodeScrapeAssembler out) throws MalformedMetricsException {
        p = skipBlanks(p, end);
        if (p >= end || b[p] == '#') {
            return;
        }
        int nameStart = p;
        family = keptFamily(p, end);
        if (family != OTHER) {
            p += FAMILY_BYTES[family].length;
        } else {
            if (!isNameStart(b[p])) {
                throw error("expected a metric name, found " + describe(p, end));
            }
            p++;
            while (p < end && NAME_CHAR[b[p] & 0xff]) {
                p++;
            }
            family = family(nameStart, p);
            if (p < end && b[p] != '{' && b[p] != ' ' && b[p] != '\t') {
                throw error("invalid character " + describe(p, end) + " in metric name");
            }
            if (family == OTHER) {
                return;
            }
        }
        namespace = null;
        pod = null;
        container = null;
        int labelsFrom = p;
        int known = -1;
        if (p < end && b[p] == '{') {
            known = family >= F_CONTAINER_CPU ? sameLabelsAsExpected(p, end, out) : -1;
            if (known >= 0) {
                recognised++;
                p += out.labelsLength(known);
            } else {
                p = parseLabels(p + 1, end);
            }
        }
        int labelsLength = p - labelsFrom;
        int valueStart = skipBlanks(p, end);
        if (valueStart == p || valueStart >= end) {
            throw error("missing value for " + FAMILY_NAMES[family]);
        }
        p = parseValue(valueStart, end);
        long ts = defaultTs;
        int q = skipBlanks(p, end);
        if (q < end) {
            if (q == p) {
                throw error("invalid value " + text(valueStart, end) + " for " + FAMILY_NAMES[family]);
            }
            p = q;
            boolean negative = b[p] == '-';
            if (negative || b[p] == '+') {
                p++;
            }
            int digits = p;
            long ms = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (p - digits >= 18) {
                    throw error("timestamp out of range for " + FAMILY_NAMES[family]);
                }
                ms = ms * 10 + (b[p] - '0');
                p++;
            }
            if (p == digits || (p < end && b[p] != ' ' && b[p] != '\t')) {
                throw error("invalid timestamp " + text(q, end) + " for " + FAMILY_NAMES[family]
                        + " (expected integer milliseconds)");
            }
            if (negative) {
                throw error("negative timestamp " + text(q, end) + " for " + FAMILY_NAMES[family]);
            }
            if (skipBlanks(p, end) < end) {
                throw error("unexpected text " + describe(skipBlanks(p, end), end) + " after the timestamp");
            }
            // 18 digits fit a long, but not once scaled: past year 2262 the product wraps (to Long.MIN_VALUE
            // for 2^57 ms, the store's "no previous point" marker)
            if (ms > MAX_TIMESTAMP_MILLIS) {
                throw error("timestamp " + ms + " out of range for " + FAMILY_NAMES[family]
                        + " (milliseconds after 2262-04-11 do not fit in nanoseconds)");
            }
            ts = ms * 1_000_000L;
        }
        switch (family) {
            case F_NODE_CPU:
                out.nodeCpu(scaled(9), ts);
                break;
            case F_NODE_MEMORY:
                out.nodeMemory(scaled(0), ts);
                break;
            default:
                if (known >= 0) {
                    if (family == F_CONTAINER_CPU) {
                        out.containerCpu(known, scaled(9), ts);
                    } else if (family == F_CONTAINER_MEMORY) {
                        out.containerMemory(known, scaled(0), ts);
                    } else {
                        out.containerStart(known, scaled(9));
                    }
                    return;
                }
                if (namespace == null || pod == null || container == null) {
                    // not attributable to a container; the kubelet always sets all three
                    return;
                }
                int point;
                if (family == F_CONTAINER_CPU) {
                    point = out.containerCpu(namespace, pod, container, scaled(9), ts);
                } else if (family == F_CONTAINER_MEMORY) {
                    point = out.containerMemory(namespace, pod, container, scaled(0), ts);
                } else {
                    point = out.containerStart(namespace, pod, container, scaled(9));
                }
                if (labelsLength > 0) {
                    out.rememberLabels(point, labelsFrom, labelsLength);
                }
        }
    }

    int recognisedLines() {
        return recognised;
    }

    /**
     * The assembler's expected point when this line's label set, from '{' to '}', is byte for byte the one
     * remembered for it; else -1. A kubelet prints each family's series in the same order with the same label
     * text, so after the first family most lines are recognised with one vectorised comparison instead of a
     * scan, hash and intern lookup per value (the same bytes always parse to the same names, escapes included).
     */
    private int sameLabelsAsExpected(int p, int end, NodeScrapeAssembler out) {
        int k = out.expected();
        if (k < 0) {
            return -1;
        }
        int from = out.labelsFrom(k);
        if (from < 0) {
            return -1;
        }
        int n = out.labelsLength(k);
        return end - p >= n && Arrays.equals(b, p, p + n, b, from, from + n) ? k : -1;
    }

    /**
     * The kept family whose exact name starts the line, followed by '{' or a blank; else OTHER, and the line's
     * name is scanned and checked byte by byte. Saves that scan for the lines that are decoded.
     */
    private int keptFamily(int p, int end) {
        byte c = b[p];
        if (c == 'c') {
            return startsName(F_CONTAINER_CPU, p, end) ? F_CONTAINER_CPU
                    : startsName(F_CONTAINER_MEMORY, p, end) ? F_CONTAINER_MEMORY
                    : startsName(F_CONTAINER_START, p, end) ? F_CONTAINER_START : OTHER;
        }
        if (c == 'n') {
            return startsName(F_NODE_CPU, p, end) ? F_NODE_CPU : startsName(F_NODE_MEMORY, p, end) ? F_NODE_MEMORY : OTHER;
        }
        return OTHER;
    }

    private boolean startsName(int family, int p, int end) {
        byte[] name = FAMILY_BYTES[family];
        int n = name.length;
        if (end - p <= n) {
            return false;
        }
        byte next = b[p + n];
        return (next == '{' || next == ' ' || next == '\t') && same(name, p, n);
    }

    /** Parses {@code name="value",...}} from just after '{'; returns the position after '}'. */
    private int parseLabels(int p, int end) throws MalformedMetricsException {
        while (true) {
            p = skipBlanks(p, end);
            if (p >= end) {
                throw error("unterminated label set of " + FAMILY_NAMES[family] + " (missing '}')");
            }
            if (b[p] == '}') {
                return p + 1;
            }
            int nameStart = p;
            int nameEnd;
            int which;
            // the kubelet writes exactly container=", namespace=", pod=": one comparison each instead of a
            // character-class check per byte; anything else takes the general path below
            if (startsWith(OPEN_CONTAINER, p, end)) {
                which = 1;
                nameEnd = p + LABEL_CONTAINER.length;
                p += OPEN_CONTAINER.length;
            } else if (startsWith(OPEN_NAMESPACE, p, end)) {
                which = 2;
                nameEnd = p + LABEL_NAMESPACE.length;
                p += OPEN_NAMESPACE.length;
            } else if (startsWith(OPEN_POD, p, end)) {
                which = 3;
                nameEnd = p + LABEL_POD.length;
                p += OPEN_POD.length;
            } else {
                if (!isLabelStart(b[p])) {
                    throw error("expected a label name, found " + describe(p, end));
                }
                while (p < end && isLabelChar(b[p])) {
                    p++;
                }
                nameEnd = p;
                which = labelOf(nameStart, nameEnd);
                p = skipBlanks(p, end);
                if (p >= end || b[p] != '=') {
                    throw error("expected '=' after label " + text(nameStart, nameEnd) + ", found " + describe(p, end));
                }
                p = skipBlanks(p + 1, end);
                if (p >= end || b[p] != '"') {
                    throw error("expected '\"' to open the value of label " + text(nameStart, nameEnd)
                            + ", found " + describe(p, end));
                }
                p++;
            }
            int valueStart = p;
            boolean escaped = false;
            // the interner's hash, computed in this one pass over the value (bytes < 0 are not ASCII)
            int hash = 0;
            int high = 0;
            byte c;
            while (p < end && (c = b[p]) != '"') {
                if (c == '\\') {
                    escaped = true;
                    p++;
                    if (p >= end) {
                        break;
                    }
                    if (b[p] != '\\' && b[p] != '"' && b[p] != 'n') {
                        throw error("invalid escape \\" + (char) b[p] + " in the value of label " + text(nameStart, nameEnd));
                    }
                }
                hash = 31 * hash + c;
                high |= c;
                p++;
            }
            if (p >= end) {
                throw error("unterminated value of label " + text(nameStart, nameEnd) + " (missing '\"')");
            }
            int valueEnd = p++;
            if (which != 0) {
                String v = escaped ? unescape(valueStart, valueEnd)
                        : high >= 0 ? interner.internAscii(b, valueStart, valueEnd, hash)
                        : new String(b, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
                if (which == 1) {
                    container = v;
                } else if (which == 2) {
                    namespace = v;
                } else {
                    pod = v;
                }
            }
            p = skipBlanks(p, end);
            if (p < end && b[p] == ',') {
                p++;
            } else if (p >= end || b[p] != '}') {
                throw error("expected ',' or '}' after the value of label " + text(nameStart, nameEnd)
                        + ", found " + describe(p, end));
            }
        }
    }

    /** Decodes [+]digits[.digits][e[+-]digits] into mantissa/exponent; returns the end position. */
    private int parseValue(int p, int end) throws MalformedMetricsException {
        int start = p;
        int tokenEnd = p;
        while (tokenEnd < end && b[tokenEnd] != ' ' && b[tokenEnd] != '\t') {
            tokenEnd++;
        }
        if (b[p] == '+') {
            p++;
        } else if (b[p] == '-') {
            if (isSpecial(start, tokenEnd)) {
                throw notANumber(start, tokenEnd);
            }
            throw error("negative value " + text(start, tokenEnd) + " for " + FAMILY_NAMES[family]);
        }
        long m = 0;
        int exp = 0;
        int significant = 0;
        boolean anyDigit = false;
        while (p < tokenEnd && b[p] >= '0' && b[p] <= '9') {
            anyDigit = true;
            int d = b[p] - '0';
            if (significant < 18) {
                if (m != 0 || d != 0) {
                    significant++;
                }
                m = m * 10 + d;
            } else {
                exp++;
            }
            p++;
        }
        if (p < tokenEnd && b[p] == '.') {
            p++;
            while (p < tokenEnd && b[p] >= '0' && b[p] <= '9') {
                anyDigit = true;
                int d = b[p] - '0';
                if (significant < 18) {
                    if (m != 0 || d != 0) {
                        significant++;
                    }
                    m = m * 10 + d;
                    exp--;
                }
                p++;
            }
        }
        if (!anyDigit) {
            if (isSpecial(start, tokenEnd)) {
                throw notANumber(start, tokenEnd);
            }
            throw error("invalid value " + text(start, tokenEnd) + " for " + FAMILY_NAMES[family]);
        }
        if (p < tokenEnd && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negative = false;
            if (p < tokenEnd && (b[p] == '+' || b[p] == '-')) {
                negative = b[p] == '-';
                p++;
            }
            int digits = p;
            int e = 0;
            while (p < tokenEnd && b[p] >= '0' && b[p] <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (b[p] - '0');
                }
                p++;
            }
            if (p == digits) {
                throw error("invalid exponent in value " + text(start, tokenEnd) + " for " + FAMILY_NAMES[family]);
            }
            exp += negative ? -e : e;
        }
        if (p != tokenEnd) {
            throw error("invalid value " + text(start, tokenEnd) + " for " + FAMILY_NAMES[family]);
        }
        mantissa = m;
        exponent = exp;
        return p;
    }

    /** The value × 10^scale as a long, truncated like upstream's uint64 conversion. */
    private long scaled(int scale) throws MalformedMetricsException {
        if (mantissa == 0) {
            return 0;
        }
        int k = exponent + scale;
        if (k >= 0) {
            if (k >= POW10.length) {
                throw outOfRange();
            }
            try {
                return Math.multiplyExact(mantissa, POW10[k]);
            } catch (ArithmeticException e) {
                throw outOfRange();
            }
        }
        return -k >= POW10.length ? 0 : mantissa / POW10[-k];
    }

    private MalformedMetricsException outOfRange() {
        return error("value " + mantissa + "e" + exponent + " out of range for " + FAMILY_NAMES[family]);
    }

    private MalformedMetricsException notANumber(int from, int to) {
        return error("value " + text(from, to) + " of " + FAMILY_NAMES[family] + " is not a usable number");
    }

    private boolean isSpecial(int from, int to) {
        String t = text(from, to).toLowerCase();
        return t.equals("nan") || t.equals("+inf") || t.equals("-inf") || t.equals("inf");
    }

    private String unescape(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        byte[] raw = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\\' && i + 1 < to) {
                byte next = b[++i];
                raw[n++] = next == 'n' ? (byte) '\n' : next;
            } else {
                raw[n++] = c;
            }
        }
        sb.append(new String(raw, 0, n, StandardCharsets.UTF_8));
        return sb.toString();
    }

    private int family(int from, int to) {
        int n = to - from;
        if (b[from] == 'n') {
            if (same(NODE_CPU, from, n)) {
                return F_NODE_CPU;
            }
            if (same(NODE_MEMORY, from, n)) {
                return F_NODE_MEMORY;
            }
        } else if (b[from] == 'c') {
            if (same(CONTAINER_CPU, from, n)) {
                return F_CONTAINER_CPU;
            }
            if (same(CONTAINER_MEMORY, from, n)) {
                return F_CONTAINER_MEMORY;
            }
            if (same(CONTAINER_START, from, n)) {
                return F_CONTAINER_START;
            }
        }
        return OTHER;
    }

    /** 1 container, 2 namespace, 3 pod, 0 other. */
    private int labelOf(int from, int to) {
        int n = to - from;
        if (same(LABEL_CONTAINER, from, n)) {
            return 1;
        }
        if (same(LABEL_NAMESPACE, from, n)) {
            return 2;
        }
        if (same(LABEL_POD, from, n)) {
            return 3;
        }
        return 0;
    }

    private boolean same(byte[] name, int from, int n) {
        // Arrays.equals on ranges is the JDK's vectorized mismatch: names here are 30-35 bytes
        return name.length == n && Arrays.equals(b, from, from + n, name, 0, n);
    }

    private boolean startsWith(byte[] prefix, int from, int end) {
        return end - from >= prefix.length && same(prefix, from, prefix.length);
    }

    private int skipBlanks(int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    private static boolean isNameStart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean isLabelStart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isLabelChar(byte c) {
        return isLabelStart(c) || (c >= '0' && c <= '9');
    }

    private String describe(int p, int end) {
        return p >= end ? "end of line" : "'" + text(p, Math.min(end, p + 1)) + "'";
    }

    private String text(int from, int to) {
        return new String(b, from, Math.min(to, from + 64) - from, StandardCharsets.UTF_8);
    }

    private MalformedMetricsException error(String what) {
        return new MalformedMetricsException("line " + lineNo + ": " + what);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
