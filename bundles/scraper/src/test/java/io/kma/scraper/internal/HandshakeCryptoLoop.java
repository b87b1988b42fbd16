package io.kma.scraper.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import javax.crypto.KeyAgreement;

/**
 * Thread CPU per operation of the public-key steps of one side of a TLS 1.3 handshake, per provider: an x25519 key
 * pair plus one agreement (the key share), and one P-256 ECDSA signature (the CertificateVerify). Steadier than
 * {@link HandshakeCostLoop} on a loaded machine, since it times nothing else. A timed loop, not a test:
 * <pre>
 * java -cp bundles/scraper/target/test-classes:bundles/scraper/target/classes:$(cat bundles/scraper/target/cp.txt) \
 *      io.kma.scraper.internal.HandshakeCryptoLoop 3000
 * </pre>
 */
public class HandshakeCryptoLoop {
    static final ThreadMXBean T = ManagementFactory.getThreadMXBean();

    public static void main(String[] a) throws Exception {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 3000;
        Provider sunEc = java.security.Security.getProvider("SunEC");
        Provider kma = new io.kma.tls.internal.X25519Provider();
        Provider bc = HandshakeCostLoop.goSpeed();
        for (int round = 0; round < 2; round++) { // the first round warms up
            String label = round == 0 ? "warm-up" : "measured";
            System.out.printf("%s: x25519 key pair + agreement: SunEC %.1f µs, KMA-X25519 %.1f µs, Bouncy Castle JCA %.1f µs;"
                    + " P-256 ECDSA sign: SunEC %.1f µs, Bouncy Castle %.1f µs, Bouncy Castle with its own key object %.1f µs (%d each)%n",
                    label, xdh(sunEc, n), xdh(kma, n), xdh(bc, n), sign(sunEc, n, false), sign(bc, n, false), sign(bc, n, true), n);
        }
    }

    static double xdh(Provider p, int n) throws Exception {
        KeyPairGenerator peerGen = KeyPairGenerator.getInstance("XDH", "SunEC");
        peerGen.initialize(NamedParameterSpec.X25519);
        KeyPair peer = peerGen.generateKeyPair();
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH", p);
        g.initialize(new NamedParameterSpec("x25519"));
        long t0 = T.getCurrentThreadCpuTime();
        int sink = 0;
        for (int i = 0; i < n; i++) {
            KeyPair own = g.generateKeyPair();
            KeyAgreement ka = KeyAgreement.getInstance("XDH", p);
            ka.init(own.getPrivate());
            ka.doPhase(peer.getPublic(), true);
            sink += ka.generateSecret("TlsPremasterSecret").getEncoded()[0];
        }
        return (T.getCurrentThreadCpuTime() - t0) / 1e3 / n + (sink == Integer.MIN_VALUE ? 1 : 0);
    }

    static double sign(Provider p, int n, boolean bcKey) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        if (bcKey) { // converted once, as a key manager could hold it: no curve conversion per signature
            java.security.PrivateKey k = java.security.KeyFactory.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(kp.getPrivate().getEncoded()));
            kp = new KeyPair(kp.getPublic(), k);
        }
        byte[] transcriptHash = new byte[130];
        long t0 = T.getCurrentThreadCpuTime();
        int sink = 0;
        for (int i = 0; i < n; i++) {
            Signature s = Signature.getInstance("SHA256withECDSA", p);
            s.initSign(kp.getPrivate());
            transcriptHash[0] = (byte) i;
            s.update(transcriptHash);
            sink += s.sign()[5];
        }
        return (T.getCurrentThreadCpuTime() - t0) / 1e3 / n + (sink == Integer.MIN_VALUE ? 1 : 0);
    }
}
