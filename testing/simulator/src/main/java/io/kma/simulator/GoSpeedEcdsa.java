package io.kma.simulator;

import java.security.Provider;
import java.security.Security;

/**
 * Benchmark fidelity: the simulator stands in for thousands of Go kubelets on other machines, whose P-256
 * verification is assembly, while JDK 17's SunEC takes ~1.2 ms per verification, twice per TLS handshake on
 * each side, all on the appliance's cores. This puts Bouncy Castle's ECDSA first for EC public keys only
 * (~0.2 ms), through the JDK's own {@code SupportedKeyClasses} rule, so the simulator signs with the JDK as
 * before and verifies just as strictly. {@code --jdk-ecdsa-verify} leaves the JDK's provider list alone.
 */
final class GoSpeedEcdsa {

    static final String NAME = "SIM-ECDSA-Verify";
    private static final String BC = "org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi$ecDSA";

    private GoSpeedEcdsa() {
    }

    static void install() {
        Provider p = new Provider(NAME, "1.0", "Bouncy Castle ECDSA verification (simulator)") {
            private static final long serialVersionUID = 1L;
        };
        for (String bits : new String[] {"256", "384", "512"}) {
            p.put("Signature.SHA" + bits + "withECDSA", BC + bits);
            p.put("Signature.SHA" + bits + "withECDSA SupportedKeyClasses", "java.security.interfaces.ECPublicKey");
        }
        Security.removeProvider(NAME);
        Security.insertProviderAt(p, 1);
    }
}
