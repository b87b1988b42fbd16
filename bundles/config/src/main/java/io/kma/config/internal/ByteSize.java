package io.kma.config.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes-quantity style sizes ({@code 16Mi}, {@code 512Ki}, {@code 1G}, {@code 4096}) in bytes. */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");

    private ByteSize() {
    }

    /** Returns the size in bytes, or -1 if the text is not a size or overflows. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long factor = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "k", "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            default -> 1_000_000_000_000L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }
}
