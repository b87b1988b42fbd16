package io.kma.tls.internal;

import java.io.ObjectStreamException;
import java.math.BigInteger;
import java.security.KeyRep;
import java.security.interfaces.XECPublicKey;

/** An x25519 public key of {@link X25519Provider}: u, canonical (below 2^255 - 19). */
final class X25519PublicKey extends X25519Key implements XECPublicKey {

    private static final long serialVersionUID = 1L;
    /** SubjectPublicKeyInfo { AlgorithmIdentifier { 1.3.101.110 }, BIT STRING of 32 bytes } (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    private final BigInteger u;

    X25519PublicKey(BigInteger u) {
        this.u = u;
    }

    @Override
    public BigInteger getU() {
        return u;
    }

    @Override
    public String getFormat() {
        return "X.509";
    }

    @Override
    public byte[] getEncoded() {
        return der(X509_PREFIX, X25519Provider.encodeU(u));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XECPublicKey k && X25519Provider.isX25519(k.getParams()) && u.equals(k.getU());
    }

    @Override
    public int hashCode() {
        return u.hashCode();
    }

    /** Serialized as its encoding, read back by whichever XDH key factory the reading JVM has. */
    private Object writeReplace() throws ObjectStreamException {
        return new KeyRep(KeyRep.Type.PUBLIC, getAlgorithm(), getFormat(), getEncoded());
    }
}
