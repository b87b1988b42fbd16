package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EcdsaVerifyProviderTest {

    private static final byte[] DATA = "kubelet CertificateVerify".getBytes(StandardCharsets.US_ASCII);

    private Provider installed;

    @BeforeEach
    void install() {
        installed = HandshakeProviderInstaller.install(new EcdsaVerifyProvider());
    }

    @AfterEach
    void uninstall() {
        HandshakeProviderInstaller.uninstall(installed);
        assertNull(Security.getProvider(EcdsaVerifyProvider.NAME), "left in the JVM's provider list");
    }

    private static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Test
    void verificationWithPublicKeysGoesToBouncyCastleSigningStaysWithTheJdk() throws Exception {
        KeyPair kp = p256();
        for (String alg : new String[] {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA"}) {
            Signature signer = Signature.getInstance(alg);
            signer.initSign(kp.getPrivate());
            signer.update(DATA);
            byte[] sig = signer.sign();
            assertEquals("SunEC", signer.getProvider().getName(), alg + " signing");

            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(kp.getPublic());
            assertSame(installed, verifier.getProvider(), alg + " verification");
            verifier.update(DATA);
            assertTrue(verifier.verify(sig), alg + ": a JDK signature verifies");

            Signature jdk = Signature.getInstance(alg, "SunEC");
            jdk.initVerify(kp.getPublic());
            jdk.update(DATA);
            assertTrue(jdk.verify(sig));
        }
        assertSame(installed, Security.getProviders()[0], "first in the list");
    }

    @Test
    void refusesWhatTheJdkRefuses() throws Exception {
        KeyPair kp = p256();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        signer.update(DATA);
        byte[] sig = signer.sign();

        byte[] otherData = Arrays.copyOf(DATA, DATA.length);
        otherData[0] ^= 1;
        assertFalse(verify(kp.getPublic(), otherData, sig), "other data");
        assertFalse(verify(p256().getPublic(), DATA, sig), "another key");

        byte[] flipped = sig.clone();
        flipped[flipped.length - 1] ^= 1;
        assertFalse(verifyOrRefuse(kp.getPublic(), DATA, flipped), "a changed signature");

        // the same signature with a trailing byte (BER, not DER): valid to a lax decoder, refused here
        byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
        assertFalse(verifyOrRefuse(kp.getPublic(), DATA, trailing), "non-DER signature");
    }

    @Test
    void aPublicPointOffTheCurveIsNotAccepted() throws Exception {
        ECPublicKey good = (ECPublicKey) p256().getPublic();
        ECPoint w = good.getW();
        PublicKey offCurve = KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(w.getAffineX(), w.getAffineY().add(BigInteger.ONE)), good.getParams()));
        KeyPair kp = p256();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        signer.update(DATA);
        byte[] sig = signer.sign();
        assertFalse(verifyOrRefuse(offCurve, DATA, sig));
        // and Bouncy Castle itself refuses it (above, a refusal could also have come from the JDK after ours)
        Signature ours = Signature.getInstance("SHA256withECDSA", installed);
        assertThrows(InvalidKeyException.class, () -> ours.initVerify(offCurve));
    }

    @Test
    void keysOnOtherCurvesGoOnToTheJdk() throws Exception {
        assertTrue(EcdsaVerifyProvider.onSupportedCurve((ECPublicKey) p256().getPublic()));
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC", "SunEC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        assertTrue(EcdsaVerifyProvider.onSupportedCurve((ECPublicKey) p384.generateKeyPair().getPublic()));

        // secp256k1: Bouncy Castle could verify on it, JDK 17 and Go's crypto/x509 do not; it must stay refused
        KeyPairGenerator k1 = new org.bouncycastle.jcajce.provider.asymmetric.ec.KeyPairGeneratorSpi.ECDSA();
        k1.initialize(new ECGenParameterSpec("secp256k1"));
        ECPublicKey k1Key = (ECPublicKey) k1.generateKeyPair().getPublic();
        assertFalse(EcdsaVerifyProvider.onSupportedCurve(k1Key));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        try {
            verifier.initVerify(k1Key);
            assertNotSame(installed, verifier.getProvider(), "a secp256k1 key went to the JDK's provider");
        } catch (InvalidKeyException expected) {
            // the JDK's SunEC does not compute on secp256k1: refused, as without this provider
        }
    }

    @Test
    void installingTwiceKeepsOneAndUninstallLeavesAnotherCopyAlone() {
        Provider second = HandshakeProviderInstaller.install(new EcdsaVerifyProvider());
        assertNotSame(installed, second);
        long copies = Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(EcdsaVerifyProvider.NAME))
                .count();
        assertEquals(1, copies);
        HandshakeProviderInstaller.uninstall(installed); // not the one installed any more: a no-op
        assertSame(second, Security.getProvider(EcdsaVerifyProvider.NAME));
        installed = second;
    }

    @Test
    void otherAlgorithmsAreNotServed() {
        assertNull(installed.getService("Signature", "SHA256withRSA"));
        assertNull(installed.getService("KeyPairGenerator", "EC"));
        assertNull(installed.getService("KeyAgreement", "ECDH"));
        assertEquals(3, installed.getServices().size());
    }

    private static boolean verify(PublicKey key, byte[] data, byte[] sig) throws GeneralSecurityException {
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(key);
        v.update(data);
        return v.verify(sig);
    }

    /** False when the signature does not verify or the verifier refuses the key or the encoding. */
    private static boolean verifyOrRefuse(PublicKey key, byte[] data, byte[] sig) {
        try {
            return verify(key, data, sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
