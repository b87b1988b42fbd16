package io.kma.simulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer for rendering kubelet responses without intermediate strings. */
public final class ByteSink {
    private byte[] buf;
    private int len;

    public ByteSink(int capacity) {
        buf = new byte[capacity];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public ByteSink put(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    public ByteSink put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** ASCII only: the simulator's names and numbers are ASCII. */
    public ByteSink putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    public ByteSink putLong(long v) {
        if (v == 0) {
            return put((byte) '0');
        }
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        ensure(20);
        int start = len;
        while (v > 0) {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        }
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    public void reset() {
        len = 0;
    }

    public int length() {
        return len;
    }

    public ByteBuffer toByteBuffer() {
        return ByteBuffer.wrap(Arrays.copyOf(buf, len));
    }

    public String toAsciiString() {
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }
}
