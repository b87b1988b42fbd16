package io.kma.tls.internal;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactorySpi;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A JCA provider for x25519 alone (RFC 7748) on Bouncy Castle's {@link X25519}: the key pair generator, key agreement
 * and key factory JDK 17's JSSE uses for the TLS 1.3 key share ({@code sun.security.ssl.XDHKeyExchange} asks for
 * "XDH" with {@code NamedParameterSpec("x25519")}, decodes the peer's share through
 * {@code KeyFactory.generatePublic(XECPublicKeySpec)} and agrees through {@code KeyAgreement.init/doPhase/
 * generateSecret("TlsPremasterSecret")}). SunEC spends ~0.15 ms per x25519 scalar multiplication, two per handshake
 * on each side; Bouncy Castle's Montgomery ladder (constant-time: a fixed 252 steps with mask-based conditional swaps,
 * an inversion by {@code Mod.modOddInverse}, the base point by a comb whose table lookups are masks too) is several
 * times cheaper.
 *
 * <p>Narrow on purpose: anything that is not x25519 (x448, PKCS#8/X.509 encodings, keys with other parameters) is
 * refused with the exception that makes the JDK's delayed provider selection go on to SunEC, so it is computed there
 * as before. Peer values are treated as SunEC treats them: u reduced mod p (SunEC's {@code XDHPublicKeyImpl} does the
 * same), an all-zero shared secret refused with {@link InvalidKeyException} at {@code doPhase}. The hand-over to SunEC
 * needs the JDK's delayed selection: a caller that asks a {@code KeyFactory}, {@code KeyPairGenerator} or
 * {@code KeyAgreement} for its provider before using it fixes this one, and x448 or encoded keys then fail instead
 * of going to SunEC (JSSE does not do that; {@link EcdsaVerifyProvider} has the same limit).
 */
public final class X25519Provider extends Provider {

    private static final long serialVersionUID = 1L;

    /** The provider's name in {@link java.security.Security}'s list. */
    public static final String NAME = "KMA-X25519";

    static final String ALGORITHM = "XDH";
    private static final List<String> ALIASES = List.of("X25519", "1.3.101.110", "OID.1.3.101.110");
    /** 2^255 - 19. */
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    public X25519Provider() {
        super(NAME, "1.0", "x25519 key pairs, key agreement and public keys on Bouncy Castle; x448 stays with the JDK");
        putService(new X25519Service(this, "KeyPairGenerator", Generator::new));
        putService(new X25519Service(this, "KeyFactory", Factory::new));
        putService(new X25519Service(this, "KeyAgreement", Agreement::new));
    }

    /** Whether the parameters name x25519 (JSSE writes "x25519", {@link NamedParameterSpec#X25519} "X25519"). */
    static boolean isX25519(AlgorithmParameterSpec params) {
        return params instanceof NamedParameterSpec n && n.getName().equalsIgnoreCase("X25519");
    }

    /** A service instantiated here (not by class name, which the JDK could not load from a bundle). */
    private static final class X25519Service extends Service {

        private final Supplier<Object> spi;

        X25519Service(Provider provider, String type, Supplier<Object> spi) {
            super(provider, type, ALGORITHM, X25519Provider.class.getName() + "$" + type, ALIASES, Map.of());
            this.spi = spi;
        }

        /** A key agreement takes only x25519 private keys with their scalar; others go on to the JDK. */
        @Override
        public boolean supportsParameter(Object parameter) {
            if (!getType().equals("KeyAgreement")) {
                return super.supportsParameter(parameter);
            }
            return parameter instanceof XECPrivateKey k && isX25519(k.getParams()) && k.getScalar().isPresent();
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return spi.get();
        }
    }

    /** Little-endian 32 bytes of u mod p, the form {@link X25519#scalarMult} reads. */
    static byte[] encodeU(BigInteger u) {
        byte[] be = u.mod(P).toByteArray();
        byte[] le = new byte[X25519.POINT_SIZE];
        for (int i = 0; i < le.length && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    static BigInteger decodeU(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    static final class Generator extends KeyPairGeneratorSpi {

        private SecureRandom random;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            if (keysize != 255) {
                throw new InvalidParameterException("x25519 only (255 bits), not " + keysize);
            }
            this.random = random;
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
            if (!isX25519(params)) {
                throw new InvalidAlgorithmParameterException("x25519 only, not " + params);
            }
            this.random = random;
        }

        @Override
        public KeyPair generateKeyPair() {
            byte[] k = new byte[X25519.SCALAR_SIZE];
            if (random == null) { // not initialized: x25519 with the default source, as SunEC's "XDH"
                random = new SecureRandom();
            }
            random.nextBytes(k);
            byte[] u = new byte[X25519.POINT_SIZE];
            X25519.scalarMultBase(k, 0, u, 0);
            return new KeyPair(new X25519PublicKey(decodeU(u)), new X25519PrivateKey(k));
        }
    }

    static final class Factory extends KeyFactorySpi {

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            if (spec instanceof XECPublicKeySpec s && isX25519(s.getParams())) {
                return new X25519PublicKey(s.getU().mod(P));
            }
            throw new InvalidKeySpecException("x25519 XECPublicKeySpec only");
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            if (spec instanceof XECPrivateKeySpec s && isX25519(s.getParams()) && s.getScalar().length == X25519.SCALAR_SIZE) {
                return new X25519PrivateKey(s.getScalar());
            }
            throw new InvalidKeySpecException("x25519 XECPrivateKeySpec only");
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            if (key instanceof X25519PublicKey k && type.isAssignableFrom(XECPublicKeySpec.class)) {
                return type.cast(new XECPublicKeySpec(NamedParameterSpec.X25519, k.getU()));
            }
            if (key instanceof X25519PrivateKey k && type.isAssignableFrom(XECPrivateKeySpec.class)) {
                return type.cast(new XECPrivateKeySpec(NamedParameterSpec.X25519, k.scalar()));
            }
            throw new InvalidKeySpecException("x25519 keys of this provider as XEC key specs only");
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            if (key instanceof X25519PublicKey || key instanceof X25519PrivateKey) {
                return key;
            }
            if (key instanceof XECPublicKey k && isX25519(k.getParams())) {
                return new X25519PublicKey(k.getU().mod(P));
            }
            if (key instanceof XECPrivateKey k && isX25519(k.getParams()) && k.getScalar().isPresent()) {
                return new X25519PrivateKey(k.getScalar().get());
            }
            throw new InvalidKeyException("x25519 keys only");
        }
    }

    /** One agreement: init with the own private key, one (last) phase with the peer's public key, the secret. */
    static final class Agreement extends KeyAgreementSpi {

        private byte[] scalar;
        private byte[] secret;

        @Override
        protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
            if (!(key instanceof XECPrivateKey k && isX25519(k.getParams()))) {
                throw new InvalidKeyException("an x25519 private key is needed");
            }
            if (k.isDestroyed()) {
                throw new InvalidKeyException("the private key is destroyed");
            }
            byte[] s = k.getScalar().orElseThrow(() -> new InvalidKeyException("the private key has no scalar"));
            if (s.length != X25519.SCALAR_SIZE) {
                throw new InvalidKeyException("an x25519 scalar has 32 bytes, not " + s.length);
            }
            scalar = s;
            secret = null;
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (params != null && !isX25519(params)) {
                throw new InvalidAlgorithmParameterException("x25519 only, not " + params);
            }
            engineInit(key, random);
        }

        @Override
        protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
            if (scalar == null) {
                throw new IllegalStateException("not initialized");
            }
            if (!lastPhase) {
                throw new IllegalStateException("x25519 has only one phase");
            }
            if (!(key instanceof XECPublicKey k && isX25519(k.getParams()))) {
                throw new InvalidKeyException("an x25519 public key is needed");
            }
            byte[] s = new byte[X25519.POINT_SIZE];
            if (!X25519.calculateAgreement(scalar, 0, encodeU(k.getU()), 0, s, 0)) {
                // RFC 7748 §6.1; SunEC's message for the same refusal
                throw new InvalidKeyException("Point has small order");
            }
            secret = s;
            return null;
        }

        @Override
        protected byte[] engineGenerateSecret() {
            if (secret == null) {
                throw new IllegalStateException("no phase done");
            }
            byte[] s = secret;
            secret = null;
            return s;
        }

        @Override
        protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
            if (secret == null) {
                throw new IllegalStateException("no phase done");
            }
            if (sharedSecret.length - offset < secret.length) {
                throw new ShortBufferException("needs " + secret.length + " bytes");
            }
            System.arraycopy(secret, 0, sharedSecret, offset, secret.length);
            Arrays.fill(secret, (byte) 0);
            secret = null;
            return X25519.POINT_SIZE;
        }

        @Override
        protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
            // as SunEC: the raw secret only as TLS's premaster secret
            if (!"TlsPremasterSecret".equalsIgnoreCase(algorithm)) {
                throw new NoSuchAlgorithmException("only TlsPremasterSecret, not " + algorithm);
            }
            return new SecretKeySpec(engineGenerateSecret(), algorithm);
        }
    }
}
