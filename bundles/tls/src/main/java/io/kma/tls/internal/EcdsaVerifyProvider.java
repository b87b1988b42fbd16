package io.kma.tls.internal;

import java.security.Provider;
import java.security.interfaces.ECPublicKey;
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
 * is initialised and accepts only strict DER signatures. Public, so the cluster simulator (plain class path)
 * can install the same provider for its stand-in kubelets.
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

    /** A Signature service instantiated here (not by class name, which the JDK could not load from a bundle). */
    private static final class VerifyService extends Service {

        private final Supplier<java.security.SignatureSpi> spi;

        VerifyService(Provider provider, String algorithm, List<String> aliases, Supplier<java.security.SignatureSpi> spi) {
            super(provider, "Signature", algorithm, EcdsaVerifyProvider.class.getName() + "$" + algorithm, aliases,
                    Map.of("SupportedKeyClasses", ECPublicKey.class.getName()));
            this.spi = spi;
        }

        /** Only EC public keys: a private key (signing) is passed on to the next provider, the JDK's. */
        @Override
        public boolean supportsParameter(Object parameter) {
            return parameter instanceof ECPublicKey;
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return spi.get();
        }
    }
}
