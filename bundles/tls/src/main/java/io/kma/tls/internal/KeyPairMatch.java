package io.kma.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Decides whether a certificate's public key belongs to a private key. RSA compares moduli; other
 * algorithms sign a probe and verify it, which works for any key type the JDK can sign with.
 */
final class KeyPairMatch {

    private static final byte[] PROBE = "kube-metrics-appliance key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyPairMatch() {
    }

    static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
        if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
            return false;
        }
        if (publicKey instanceof RSAPublicKey rsa && privateKey instanceof RSAKey rsaPrivate) {
            return rsa.getModulus().equals(rsaPrivate.getModulus());
        }
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> privateKey.getAlgorithm(); // Ed25519, Ed448, EdDSA sign without a separate digest
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
