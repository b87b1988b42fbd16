package io.kma.tls.internal;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi;

/**
 * A JCA provider with one service: verifying ECDSA signatures (SHA-256/384/512) with an EC public key, on
 * Bouncy Castle's implementation. JDK 17's SunEC verifies a P-256 signature in ~1.2 ms of CPU, Bouncy Castle
 * in ~0.2 ms, and each TLS handshake with a kubelet verifies two (its CertificateVerify and its certificate's
 * signature in the PKIX path validation): at a cold start that is thousands of handshakes on the same cores.
 * SunJSSE and the PKIX validator take their {@code Signature} from the JVM's provider list, so a provider
 * placed first is the only way to route them without replacing the JDK's TLS.
 *
 * <p>Narrow on purpose: {@link VerifyService#supportsParameter} accepts only EC public keys, so the JDK's
 * delayed provider selection hands signing (private keys), and every other algorithm, to the JDK's providers
 * as before. Verification is not weakened: Bouncy Castle checks the public point is on the curve when the key
 * is initialised and accepts only strict DER signatures. Only keys on the curves JDK 17's SunEC computes (and Go's
 * crypto/x509 accepts) are taken, P-256, P-384 and P-521: a key on any other curve goes on to the JDK and is refused
 * there as before. Public for the scraper's handshake timing loop ({@code HandshakeCostLoop}); the cluster
 * simulator, which depends on no appliance bundle, installs its own for its stand-in kubelets ({@code GoSpeedCrypto}).
 *
 * <p>Known limit: a caller that fixes a {@code Signature}'s provider before {@code init} (e.g. by calling
 * {@code getProvider()}) gets this one, and a later {@code initSign} then signs on Bouncy Castle. JSSE, the PKIX
 * validator and this project's own signers all call {@code init} first.
 */
public final class EcdsaVerifyProvider extends Provider {

    private static final long serialVersionUID = 1L;

    /** The provider's name in {@link java.security.Security}'s list. */
    public static final String NAME = "KMA-ECDSA-Verify";

    public EcdsaVerifyProvider() {
        super(NAME, "1.0", "ECDSA signature verification with EC public keys on Bouncy Castle; signing stays with"
                + " the JDK");
        putService(new VerifyService(this, "SHA256withECDSA", List.of("1.2.840.10045.4.3.2", "OID.1.2.840.10045.4.3.2"),
                SignatureSpi.ecDSA256::new));
        putService(new VerifyService(this, "SHA384withECDSA", List.of("1.2.840.10045.4.3.3", "OID.1.2.840.10045.4.3.3"),
                SignatureSpi.ecDSA384::new));
        putService(new VerifyService(this, "SHA512withECDSA", List.of("1.2.840.10045.4.3.4", "OID.1.2.840.10045.4.3.4"),
                SignatureSpi.ecDSA512::new));
    }

    /** The curves SunEC computes; a key on another curve is not ours to verify. */
    private static final List<ECParameterSpec> CURVES = List.of(curve("secp256r1"), curve("secp384r1"),
            curve("secp521r1"));

    private static ECParameterSpec curve(String name) {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC", "SunEC");
            params.init(new ECGenParameterSpec(name));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's SunEC provider does not know " + name, e);
        }
    }

    /** Whether the key lies on one of {@link #CURVES} (curve, generator, order and cofactor all equal). */
    static boolean onSupportedCurve(ECPublicKey key) {
        ECParameterSpec p = key.getParams();
        if (p == null) {
            return false;
        }
        for (ECParameterSpec c : CURVES) {
            if (c.getCurve().equals(p.getCurve()) && c.getGenerator().equals(p.getGenerator())
                    && c.getOrder().equals(p.getOrder()) && c.getCofactor() == p.getCofactor()) {
                return true;
            }
        }
        return false;
    }

    /** A Signature service instantiated here (not by class name, which the JDK could not load from a bundle). */
    private static final class VerifyService extends Service {

        private final Supplier<java.security.SignatureSpi> spi;

        VerifyService(Provider provider, String algorithm, List<String> aliases, Supplier<java.security.SignatureSpi> spi) {
            super(provider, "Signature", algorithm, EcdsaVerifyProvider.class.getName() + "$" + algorithm, aliases,
                    Map.of("SupportedKeyClasses", ECPublicKey.class.getName()));
            this.spi = spi;
        }

        /**
         * Only EC public keys on P-256/384/521: a private key (signing), or a key on another curve, is passed on to
         * the next provider, the JDK's.
         */
        @Override
        public boolean supportsParameter(Object parameter) {
            return parameter instanceof ECPublicKey key && onSupportedCurve(key);
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return spi.get();
        }
    }
}
