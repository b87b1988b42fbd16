package io.kma.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The part of a protobuf-encoded CertificateSigningRequest that the approval subresource reads, so that the real
 * {@code kubectl certificate approve} (which sends protobuf) works against the simulator: the Kubernetes envelope
 * ({@code k8s\0} + runtime.Unknown{raw = 2}), then CertificateSigningRequest{metadata = 1 {name = 1}, status = 3
 * {conditions = 1 {type = 1, reason = 2, message = 3, status = 6}}} (k8s.io/api certificates/v1 generated.proto).
 * Every length is checked against what is left, so a hostile body costs one bounded pass.
 */
final class ProtobufCsr {
    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufCsr() {
    }

    /** {@code {metadata: {name}, status: {conditions: [{type, status, reason, message}]}}} */
    static ObjectNode decode(byte[] body) throws IOException {
        if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
            throw new IOException("not a Kubernetes protobuf envelope");
        }
        byte[] raw = field(new Reader(body, 4, body.length), 2);
        if (raw == null) {
            throw new IOException("the envelope carries no object");
        }
        ObjectNode csr = Http.MAPPER.createObjectNode();
        ArrayNode conditions = csr.putObject("status").putArray("conditions");
        Reader r = new Reader(raw, 0, raw.length);
        while (r.more()) {
            int tag = r.tag();
            if (tag == 1 && r.wire == 2) {
                byte[] meta = r.bytes();
                byte[] name = field(new Reader(meta, 0, meta.length), 1);
                csr.putObject("metadata").put("name", name == null ? "" : new String(name, StandardCharsets.UTF_8));
            } else if (tag == 3 && r.wire == 2) {
                byte[] status = r.bytes();
                Reader s = new Reader(status, 0, status.length);
                while (s.more()) {
                    if (s.tag() == 1 && s.wire == 2) {
                        byte[] c = s.bytes();
                        Reader cr = new Reader(c, 0, c.length);
                        ObjectNode condition = conditions.addObject();
                        while (cr.more()) {
                            int t = cr.tag();
                            String name = switch (t) {
                                case 1 -> "type";
                                case 2 -> "reason";
                                case 3 -> "message";
                                case 6 -> "status";
                                default -> null;
                            };
                            if (name != null && cr.wire == 2) {
                                condition.put(name, new String(cr.bytes(), StandardCharsets.UTF_8));
                            } else {
                                cr.skip();
                            }
                        }
                    } else {
                        s.skip();
                    }
                }
            } else {
                r.skip();
            }
        }
        return csr;
    }

    /** The first length-delimited field {@code number} of a message, or null. */
    private static byte[] field(Reader r, int number) throws IOException {
        while (r.more()) {
            if (r.tag() == number && r.wire == 2) {
                return r.bytes();
            }
            r.skip();
        }
        return null;
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;
        int wire;

        Reader(byte[] b, int from, int end) {
            this.b = b;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() throws IOException {
            long key = varint();
            wire = (int) (key & 7);
            return (int) (key >>> 3);
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("truncated protobuf");
                }
                int x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("malformed protobuf varint");
        }

        byte[] bytes() throws IOException {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IOException("protobuf length beyond the message");
            }
            byte[] out = Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        void skip() throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> bytes();
                case 5 -> advance(4);
                default -> throw new IOException("unsupported protobuf wire type " + wire);
            }
        }

        private void advance(int n) throws IOException {
            if (n > end - pos) {
                throw new IOException("truncated protobuf");
            }
            pos += n;
        }
    }
}
