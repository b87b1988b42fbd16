package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

import org.junit.jupiter.api.Test;

class GoSpeedEcdsaTest {

    @Test
    void verifiesOnBouncyCastleAndSignsOnTheJdk() throws Exception {
        GoSpeedEcdsa.install();
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            byte[] data = "kubelet".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(kp.getPrivate());
            signer.update(data);
            byte[] sig = signer.sign();
            assertEquals("SunEC", signer.getProvider().getName());

            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(kp.getPublic());
            assertEquals(GoSpeedEcdsa.NAME, verifier.getProvider().getName());
            verifier.update(data);
            assertTrue(verifier.verify(sig));
            sig[sig.length - 1] ^= 1;
            verifier.initVerify(kp.getPublic());
            verifier.update(data);
            boolean accepted;
            try {
                accepted = verifier.verify(sig);
            } catch (java.security.SignatureException e) {
                accepted = false;
            }
            assertFalse(accepted);
        } finally {
            Security.removeProvider(GoSpeedEcdsa.NAME);
        }
        assertNull(Security.getProvider(GoSpeedEcdsa.NAME));
    }
}
