package io.kma.metrics.api.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the few protobuf (proto2) wire primitives the Kubernetes encoding of the
 * metrics types needs: varints, length-delimited fields, and nested messages written into a child buffer
 * and appended with their length. Also the list writers' chunk buffer ({@link #drainTo}). Not thread-safe.
 */
final class ProtoBuffer {

    static final int VARINT = 0;
    static final int LEN = 2;

    private byte[] bytes;
    private int size;

    ProtoBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    byte[] copyOfRange(int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    void reset() {
        size = 0;
    }

    ProtoBuffer raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    ProtoBuffer raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
        return this;
    }

    ProtoBuffer raw(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    ProtoBuffer tag(int field, int wireType) {
        return varint((long) field << 3 | wireType);
    }

    ProtoBuffer varint(long v) {
        if ((v & ~0x7FL) == 0) { // tags and most lengths: one byte
            ensure(1);
            bytes[size++] = (byte) v;
            return this;
        }
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
        return this;
    }

    /** A varint field, always written (Go writes non-pointer ints even when zero). */
    ProtoBuffer int64(int field, long v) {
        return tag(field, VARINT).varint(v);
    }

    /** A string field, always written (Go writes non-pointer strings even when empty). */
    ProtoBuffer string(int field, String s) {
        if (s == null) {
            return tag(field, LEN).varint(0);
        }
        int n = s.length();
        if (isAscii(s, n)) {
            tag(field, LEN).varint(n);
            ensure(n);
            s.getBytes(0, n, bytes, size); // ASCII: the deprecated copy is exactly the encoding, without a byte[]
            size += n;
            return this;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return bytes(field, b, 0, b.length);
    }

    private static boolean isAscii(String s, int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The first {@code length} chars of {@code chars}, which are ASCII, as bytes. */
    ProtoBuffer ascii(char[] chars, int length) {
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) chars[i];
        }
        return this;
    }

    /**
     * Appends {@code s} as JSON string content when it needs no escaping (printable ASCII without quote or
     * backslash), which every Kubernetes name does; false, and nothing written, otherwise.
     */
    boolean plainAscii(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        ensure(n);
        s.getBytes(0, n, bytes, size);
        size += n;
        return true;
    }

    /** Appends another buffer's bytes. */
    ProtoBuffer append(ProtoBuffer other) {
        return raw(other.bytes, 0, other.size);
    }

    /** Writes the buffered bytes to {@code out} and empties the buffer. */
    void drainTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
        size = 0;
    }

    ProtoBuffer bytes(int field, byte[] b, int off, int len) {
        tag(field, LEN).varint(len);
        return raw(b, off, len);
    }

    /** A nested message field: the child's bytes with their length. */
    ProtoBuffer message(int field, ProtoBuffer child) {
        return bytes(field, child.bytes, 0, child.size);
    }

    /** Bytes of a length-delimited field with a one-byte tag (field numbers 1 to 15): tag, length, body. */
    static int fieldSize(int bodyLength) {
        return 1 + varintSize(bodyLength) + bodyLength;
    }

    static int varintSize(long v) {
        return (64 - Long.numberOfLeadingZeros(v | 1) + 6) / 7; // 7 bits a byte; negatives take all 64
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
