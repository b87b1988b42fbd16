package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;

import javax.crypto.KeyAgreement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's Go-speed crypto interoperates with the JDK's (the appliance's) both ways. */
class GoSpeedCryptoTest {

    /** JSSE names the group in lower case (sun.security.ssl.NamedGroup.name). */
    private static final NamedParameterSpec JSSE_X25519 = new NamedParameterSpec("x25519");

    @BeforeEach
    void install() {
        GoSpeedCrypto.install();
    }

    @AfterEach
    void uninstall() {
        Security.removeProvider(GoSpeedCrypto.NAME);
        assertNull(Security.getProvider(GoSpeedCrypto.NAME));
    }

    @Test
    void signsAndVerifiesOnBouncyCastleInteroperablyWithTheJdk() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        byte[] data = "kubelet".getBytes(StandardCharsets.US_ASCII);

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        assertEquals(GoSpeedCrypto.NAME, signer.getProvider().getName());
        signer.update(data);
        byte[] sig = signer.sign();
        assertTrue(verify(Signature.getInstance("SHA256withECDSA", "SunEC"), kp.getPublic(), data, sig),
                "the JDK (the appliance) accepts the simulator's signature");

        Signature jdkSigner = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdkSigner.initSign(kp.getPrivate());
        jdkSigner.update(data);
        byte[] jdkSig = jdkSigner.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        assertTrue(verify(verifier, kp.getPublic(), data, jdkSig));
        assertEquals(GoSpeedCrypto.NAME, verifier.getProvider().getName());
        jdkSig[jdkSig.length - 1] ^= 1;
        assertFalse(verify(Signature.getInstance("SHA256withECDSA"), kp.getPublic(), data, jdkSig));
    }

    @Test
    void kubeletSigningKeyIsBouncyCastlesOwnOnlyWhileInstalled() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        PrivateKey converted = GoSpeedCrypto.signingKey(kp.getPrivate());
        assertTrue(converted.getClass().getName().startsWith("org.bouncycastle."), converted.getClass().getName());
        assertEquals(((ECPrivateKey) kp.getPrivate()).getS(), ((ECPrivateKey) converted).getS());
        byte[] data = "CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(converted);
        assertEquals(GoSpeedCrypto.NAME, signer.getProvider().getName());
        signer.update(data);
        assertTrue(verify(Signature.getInstance("SHA256withECDSA", "SunEC"), kp.getPublic(), data, signer.sign()));

        Security.removeProvider(GoSpeedCrypto.NAME); // --jdk-crypto: the JDK's own key, signed by the JDK
        assertSame(kp.getPrivate(), GoSpeedCrypto.signingKey(kp.getPrivate()));
    }

    @Test
    void x25519AgreesWithTheJdkBothWaysThroughTheKeyShareEncoding() throws Exception {
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(JSSE_X25519);
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdk.initialize(NamedParameterSpec.X25519);
        for (int i = 0; i < 50; i++) {
            KeyPair sim = ours.generateKeyPair();
            KeyPair appliance = jdk.generateKeyPair();
            assertEquals(GoSpeedCrypto.NAME, ours.getProvider().getName());
            // each side decodes the other's key share as JSSE does: the u coordinate, by the default KeyFactory
            PublicKey simShare = KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, ((XECPublicKey) sim.getPublic()).getU()));
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PublicKey applianceShare = factory.generatePublic(
                    new XECPublicKeySpec(JSSE_X25519, ((XECPublicKey) appliance.getPublic()).getU()));
            assertEquals(GoSpeedCrypto.NAME, factory.getProvider().getName());

            KeyAgreement simSide = KeyAgreement.getInstance("XDH");
            byte[] simSecret = agree(simSide, sim.getPrivate(), applianceShare);
            assertEquals(GoSpeedCrypto.NAME, simSide.getProvider().getName());
            byte[] jdkSecret = agree(KeyAgreement.getInstance("XDH", "SunEC"), appliance.getPrivate(), simShare);
            assertArrayEquals(jdkSecret, simSecret);
        }
    }

    @Test
    void x25519RefusesASmallOrderPeerKeyLikeTheJdk() throws Exception {
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(JSSE_X25519);
        PrivateKey key = ours.generateKeyPair().getPrivate();
        for (BigInteger u : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE}) {
            PublicKey peer = KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(JSSE_X25519, u));
            // Bouncy Castle throws IllegalStateException("X25519 agreement failed"), the JDK InvalidKeyException;
            // JSSE ends the handshake with a fatal alert on either
            Exception refused = assertThrows(Exception.class, () -> agree(KeyAgreement.getInstance("XDH"), key, peer),
                    "u=" + u + " gives the all-zero secret");
            assertTrue(refused instanceof GeneralSecurityException || refused instanceof IllegalStateException,
                    refused.toString());
            PublicKey jdkPeer = KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, u));
            KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
            jdk.initialize(NamedParameterSpec.X25519);
            assertThrows(InvalidKeyException.class,
                    () -> agree(KeyAgreement.getInstance("XDH", "SunEC"), jdk.generateKeyPair().getPrivate(), jdkPeer));
        }
    }

    private static byte[] agree(KeyAgreement ka, PrivateKey own, PublicKey peer) throws GeneralSecurityException {
        ka.init(own);
        ka.doPhase(peer, true);
        return ka.generateSecret("TlsPremasterSecret").getEncoded();
    }

    private static boolean verify(Signature v, PublicKey key, byte[] data, byte[] sig) throws Exception {
        v.initVerify(key);
        v.update(data);
        try {
            return v.verify(sig);
        } catch (SignatureException e) {
            return false;
        }
    }
}
