package io.kma.tls.internal;

import java.io.ObjectStreamException;
import java.math.BigInteger;
import java.security.KeyRep;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;

/** An x25519 public key of {@link X25519Provider}: u, canonical (below 2^255 - 19). */
final class X25519PublicKey implements XECPublicKey {

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
    public AlgorithmParameterSpec getParams() {
        return NamedParameterSpec.X25519;
    }

    @Override
    public String getAlgorithm() {
        return X25519Provider.ALGORITHM;
    }

    @Override
    public String getFormat() {
        return "X.509";
    }

    @Override
    public byte[] getEncoded() {
        byte[] le = X25519Provider.encodeU(u);
        byte[] der = new byte[X509_PREFIX.length + le.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(le, 0, der, X509_PREFIX.length, le.length);
        return der;
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
