package io.kma.tls.internal;

import java.io.ObjectStreamException;
import java.security.KeyRep;
import java.security.interfaces.XECPrivateKey;
import java.util.Arrays;
import java.util.Optional;

import javax.security.auth.Destroyable;

/** An x25519 private key of {@link X25519Provider}: the 32-byte scalar as generated (clamped when used). */
final class X25519PrivateKey extends X25519Key implements XECPrivateKey, Destroyable {

    private static final long serialVersionUID = 1L;
    /** PrivateKeyInfo { version 0, AlgorithmIdentifier { 1.3.101.110 }, OCTET STRING { OCTET STRING of 32 } }. */
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e,
        0x04, 0x22, 0x04, 0x20};

    private final byte[] scalar;
    private volatile boolean destroyed;

    X25519PrivateKey(byte[] scalar) {
        this.scalar = scalar.clone();
    }

    byte[] scalar() {
        if (destroyed) {
            // a destroyed key's scalar is zeros: agreeing with it would use a scalar everyone knows
            throw new IllegalStateException("x25519 private key destroyed");
        }
        return scalar.clone();
    }

    @Override
    public Optional<byte[]> getScalar() {
        return Optional.of(scalar());
    }

    @Override
    public String getFormat() {
        return "PKCS#8";
    }

    @Override
    public byte[] getEncoded() {
        return der(PKCS8_PREFIX, scalar());
    }

    @Override
    public void destroy() {
        Arrays.fill(scalar, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Serialized as its encoding, read back by whichever XDH key factory the reading JVM has. */
    private Object writeReplace() throws ObjectStreamException {
        return new KeyRep(KeyRep.Type.PRIVATE, getAlgorithm(), getFormat(), getEncoded());
    }
}
