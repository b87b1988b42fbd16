package io.kma.tls.internal;

import java.security.interfaces.XECKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;

/** What {@link X25519PublicKey} and {@link X25519PrivateKey} share: x25519 parameters, "XDH", RFC 8410 DER. */
abstract class X25519Key implements XECKey, java.security.Key {

    private static final long serialVersionUID = 1L;

    @Override
    public final AlgorithmParameterSpec getParams() {
        return NamedParameterSpec.X25519;
    }

    @Override
    public final String getAlgorithm() {
        return X25519Provider.ALGORITHM;
    }

    /** The fixed DER prefix of this key type followed by its 32 bytes. */
    static byte[] der(byte[] prefix, byte[] value) {
        byte[] der = new byte[prefix.length + value.length];
        System.arraycopy(prefix, 0, der, 0, prefix.length);
        System.arraycopy(value, 0, der, prefix.length, value.length);
        return der;
    }
}
