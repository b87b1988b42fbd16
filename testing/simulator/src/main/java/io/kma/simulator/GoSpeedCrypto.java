package io.kma.simulator;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Benchmark fidelity: the simulator stands in for thousands of Go kubelets on other machines, whose P-256 ECDSA
 * and x25519 are assembly (tens of µs), while JDK 17's SunEC takes ~0.7 ms to sign a CertificateVerify, ~1.2 ms to
 * verify a signature and ~0.15 ms per x25519 scalar multiplication, all on the cores the appliance is measured on.
 * This puts Bouncy Castle first for ECDSA with EC keys (signing and verification) and for XDH (x25519 key pairs,
 * key agreement and the key factory JSSE decodes the peer's key share with), so each stand-in kubelet's half of a
 * TLS handshake costs closer to what a real kubelet costs the machine, i.e. nothing the appliance pays for.
 *
 * <p>It is the simulator's own JVM-wide provider list: it changes nothing the appliance verifies or accepts (the
 * appliance's checks run in the appliance's JVM). Bouncy Castle verifies as strictly as the JDK (the point on the
 * curve, strict DER) and refuses an all-zero x25519 secret. {@code --jdk-crypto} leaves the JDK's providers alone.
 */
final class GoSpeedCrypto {

    static final String NAME = "SIM-GoSpeed";
    private static final String ECDSA = "org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi$ecDSA";
    private static final String XDH = "org.bouncycastle.jcajce.provider.asymmetric.edec.";
    /** EC keys only: signatures with other key types (RSA, Ed25519) go on to the JDK as before. */
    private static final String EC_KEYS = "java.security.interfaces.ECPublicKey|java.security.interfaces.ECPrivateKey";

    private GoSpeedCrypto() {
    }

    /** Bouncy Castle's full provider, for its EC key factory only; never installed. Created on first use. */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    static void install() {
        Provider p = new Provider(NAME, "1.0", "Bouncy Castle ECDSA and XDH at Go kubelets' cost (simulator)") {
            private static final long serialVersionUID = 1L;
        };
        for (String bits : new String[] {"256", "384", "512"}) {
            p.put("Signature.SHA" + bits + "withECDSA", ECDSA + bits);
            p.put("Signature.SHA" + bits + "withECDSA SupportedKeyClasses", EC_KEYS);
        }
        // JSSE asks for "XDH" (sun.security.ssl.NamedGroup.algorithm) for x25519 and x448, Bouncy Castle does both;
        // its keys implement java.security.interfaces.XECPublicKey/XECPrivateKey (multi-release jar, Java 11+)
        p.put("KeyPairGenerator.XDH", XDH + "KeyPairGeneratorSpi$XDH");
        p.put("KeyAgreement.XDH", XDH + "KeyAgreementSpi$XDH");
        p.put("KeyFactory.XDH", XDH + "KeyFactorySpi$XDH");
        Security.removeProvider(NAME);
        Security.insertProviderAt(p, 1);
    }

    /**
     * The kubelets' serving key as Bouncy Castle's own key object when this provider is installed: Bouncy Castle
     * converts a JDK key's curve on every signature (~0.3 ms of a ~0.4 ms CertificateVerify), its own key not at all
     * (~0.1 ms). Otherwise, and for keys other than EC, the key as it is: the JDK signs with its own keys.
     */
    static PrivateKey signingKey(PrivateKey key) {
        if (Security.getProvider(NAME) == null || !(key instanceof ECPrivateKey)) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", Bc.PROVIDER)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle cannot read the kubelets' EC key", e);
        }
    }
}
