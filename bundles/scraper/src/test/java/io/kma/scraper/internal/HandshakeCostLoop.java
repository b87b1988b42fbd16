package io.kma.scraper.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.*;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import javax.net.ssl.*;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.*;
import org.bouncycastle.cert.jcajce.*;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * CPU per TLS 1.3 handshake of a JDK client like the scraper's (EC P-256 client certificate, CA-signed
 * P-256 kubelet certificate), measured as thread CPU time spent in the client's and the server's SSLEngine
 * calls separately, in memory (no sockets). A timed loop, not a test and not run by the build; arguments: the
 * named groups the client offers (jdk.tls.namedGroups, e.g. x25519 or secp256r1), the number of handshakes, the
 * providers (both sides, one JVM): {@code jdk} (none), {@code bc} (the tls bundle's {@code EcdsaVerifyProvider}), {@code
 * bcx} ({@code bc} and its {@code X25519Provider}: the appliance as installed), {@code go} (Bouncy Castle's ECDSA signing
 * and verification and its XDH, as the simulator's {@code GoSpeedCrypto} installs them for its kubelets), and the protocol
 * (TLSv1.3, the default, or TLSv1.2); with {@code cold} as fifth argument, no warm-up run (a fresh JVM's first
 * handshakes):
 * <pre>
 * java -cp bundles/scraper/target/test-classes:bundles/scraper/target/classes:$(cat bundles/scraper/target/cp.txt) \
 *      io.kma.scraper.internal.HandshakeCostLoop x25519 300 bc TLSv1.3
 * </pre>
 */
public class HandshakeCostLoop {
    static final ThreadMXBean T = ManagementFactory.getThreadMXBean();
    static String protocol = "TLSv1.3";
    static KeyPair kp() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
    static X509Certificate cert(String cn, KeyPair subject, String issuer, PrivateKey issuerKey, boolean ca, String san) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), BigInteger.valueOf(System.nanoTime()),
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 86_400_000L), new X500Name("CN=" + cn), subject.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (san != null) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, san)));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
    static SSLContext ctx(X509Certificate[] chain, PrivateKey key, X509Certificate ca, boolean bcKey) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(null);
        ks.setKeyEntry("k", key, "p".toCharArray(), chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); kmf.init(ks, "p".toCharArray());
        KeyManager[] kms = kmf.getKeyManagers();
        if (bcKey) {
            PrivateKey bc = KeyFactory.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
            X509ExtendedKeyManager jdk = (X509ExtendedKeyManager) kms[0];
            kms = new KeyManager[]{new X509ExtendedKeyManager() {
                public String[] getClientAliases(String t, java.security.Principal[] i) { return jdk.getClientAliases(t, i); }
                public String chooseClientAlias(String[] t, java.security.Principal[] i, java.net.Socket s) { return jdk.chooseClientAlias(t, i, s); }
                public String[] getServerAliases(String t, java.security.Principal[] i) { return jdk.getServerAliases(t, i); }
                public String chooseServerAlias(String t, java.security.Principal[] i, java.net.Socket s) { return jdk.chooseServerAlias(t, i, s); }
                public String chooseEngineServerAlias(String t, java.security.Principal[] i, SSLEngine e) { return jdk.chooseEngineServerAlias(t, i, e); }
                public X509Certificate[] getCertificateChain(String a) { return jdk.getCertificateChain(a); }
                public PrivateKey getPrivateKey(String a) { return bc; }
            }};
        }
        KeyStore ts = KeyStore.getInstance("PKCS12"); ts.load(null); ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS"); c.init(kms, tmf.getTrustManagers(), new SecureRandom());
        return c;
    }
    public static void main(String[] a) throws Exception {
        String groups = a.length > 0 ? a[0] : null;
        int n = a.length > 1 ? Integer.parseInt(a[1]) : 400;
        if (groups != null) System.setProperty("jdk.tls.namedGroups", groups);
        String providers = a.length > 2 ? a[2] : "jdk";
        switch (providers) {
            case "jdk" -> { }
            case "bc" -> Security.insertProviderAt(new io.kma.tls.internal.EcdsaVerifyProvider(), 1);
            case "bcx" -> {
                Security.insertProviderAt(new io.kma.tls.internal.EcdsaVerifyProvider(), 1);
                Security.insertProviderAt(new io.kma.tls.internal.X25519Provider(), 1);
            }
            case "go" -> Security.insertProviderAt(goSpeed(), 1);
            default -> throw new IllegalArgumentException("providers: jdk, bc, bcx or go, not " + providers);
        }
        boolean cold = a.length > 4 && a[4].equals("cold");
        KeyPair caKp = kp();
        X509Certificate ca = cert("ca", caKp, "ca", caKp.getPrivate(), true, null);
        KeyPair srv = kp(); KeyPair cli = kp();
        SSLContext server = ctx(new X509Certificate[]{cert("sim-node-1", srv, "ca", caKp.getPrivate(), false, "sim-node-1"), ca}, srv.getPrivate(), ca,
                providers.equals("go")); // the simulator's kubelets sign with Bouncy Castle's own key object
        SSLContext client = ctx(new X509Certificate[]{cert("appliance", cli, "ca", caKp.getPrivate(), false, null), ca}, cli.getPrivate(), ca, false);
        protocol = a.length > 3 ? a[3] : "TLSv1.3";
        long[] warm = cold ? new long[2] : run(server, client, n); // JIT
        long t0 = System.nanoTime();
        long[] r = run(server, client, n);
        System.out.printf("%s, groups=%s, providers %s%s: client %.2f ms, server %.2f ms CPU per handshake (%d handshakes in %.2f s; warm-up run %.2f / %.2f)%n",
                protocol, groups, providers, cold ? " (cold JVM)" : "", r[0] / 1e6 / n, r[1] / 1e6 / n, n, (System.nanoTime() - t0) / 1e9,
                warm[0] / 1e6 / n, warm[1] / 1e6 / n);
        if (cold) threadCpu();
    }
    /** CPU seconds of the JVM's threads by name (Linux /proc): the JIT compilers', GC's and the loop's. */
    static void threadCpu() throws Exception {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        double tick = 100.0; // USER_HZ
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String stat = java.nio.file.Files.readString(t.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick, Double::sum);
            }
        }
        byName.entrySet().removeIf(e -> e.getValue() < 0.05);
        System.out.println("thread CPU (s) by name: " + byName);
    }

    /** What the simulator's GoSpeedCrypto installs (the simulator is no dependency of this module). */
    static Provider goSpeed() {
        Provider p = new Provider("LOOP-GoSpeed", "1.0", "Bouncy Castle ECDSA and XDH") { };
        for (String bits : new String[]{"256", "384", "512"}) {
            p.put("Signature.SHA" + bits + "withECDSA", "org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi$ecDSA" + bits);
            p.put("Signature.SHA" + bits + "withECDSA SupportedKeyClasses", "java.security.interfaces.ECPublicKey|java.security.interfaces.ECPrivateKey");
        }
        for (String type : new String[]{"KeyPairGenerator", "KeyAgreement", "KeyFactory"}) {
            p.put(type + ".XDH", "org.bouncycastle.jcajce.provider.asymmetric.edec." + type + "Spi$XDH");
        }
        return p;
    }
    static long[] run(SSLContext server, SSLContext client, int n) throws Exception {
        long c = 0, s = 0;
        for (int i = 0; i < n; i++) {
            SSLEngine ce = client.createSSLEngine("sim-node-1", 10250); ce.setUseClientMode(true);
            SSLParameters p = ce.getSSLParameters(); p.setProtocols(new String[]{protocol}); ce.setSSLParameters(p);
            SSLEngine se = server.createSSLEngine(); se.setUseClientMode(false); se.setWantClientAuth(true);
            ByteBuffer c2s = ByteBuffer.allocate(1 << 16), s2c = ByteBuffer.allocate(1 << 16);
            ByteBuffer app = ByteBuffer.allocate(1 << 16), empty = ByteBuffer.allocate(0);
            ce.beginHandshake(); se.beginHandshake();
            for (int step = 0; step < 200 && !(done(ce) && done(se)); step++) {
                long t0 = T.getCurrentThreadCpuTime();
                pump(ce, empty, c2s, s2c, app);
                long t1 = T.getCurrentThreadCpuTime();
                pump(se, empty, s2c, c2s, app);
                long t2 = T.getCurrentThreadCpuTime();
                c += t1 - t0; s += t2 - t1;
            }
            if (!(done(ce) && done(se))) throw new IllegalStateException("handshake did not finish");
        }
        return new long[]{c, s};
    }
    static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
        return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || h == SSLEngineResult.HandshakeStatus.FINISHED;
    }
    /** One step for an engine: run tasks, unwrap what the peer sent, wrap what it wants to send. */
    static void pump(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws Exception {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) task.run();
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, app);
            while ((task = e.getDelegatedTask()) != null) task.run();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
        }
        in.compact();
        for (int k = 0; k < 10 && e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP; k++) {
            e.wrap(empty, out);
            while ((task = e.getDelegatedTask()) != null) task.run();
        }
    }
}
