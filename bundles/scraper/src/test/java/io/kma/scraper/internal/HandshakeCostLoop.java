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
 * named groups the client offers (jdk.tls.namedGroups, e.g. x25519 or secp256r1), the number of handshakes, and
 * {@code bc} to install the tls bundle's {@code EcdsaVerifyProvider} first (both sides, one JVM) or {@code jdk}, and
 * the protocol (TLSv1.3, the default, or TLSv1.2):
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
    static SSLContext ctx(X509Certificate[] chain, PrivateKey key, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(null);
        ks.setKeyEntry("k", key, "p".toCharArray(), chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); kmf.init(ks, "p".toCharArray());
        KeyStore ts = KeyStore.getInstance("PKCS12"); ts.load(null); ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS"); c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return c;
    }
    public static void main(String[] a) throws Exception {
        String groups = a.length > 0 ? a[0] : null;
        int n = a.length > 1 ? Integer.parseInt(a[1]) : 400;
        if (groups != null) System.setProperty("jdk.tls.namedGroups", groups);
        boolean bc = a.length > 2 && a[2].equals("bc");
        if (bc) Security.insertProviderAt(new io.kma.tls.internal.EcdsaVerifyProvider(), 1);
        KeyPair caKp = kp();
        X509Certificate ca = cert("ca", caKp, "ca", caKp.getPrivate(), true, null);
        KeyPair srv = kp(); KeyPair cli = kp();
        SSLContext server = ctx(new X509Certificate[]{cert("sim-node-1", srv, "ca", caKp.getPrivate(), false, "sim-node-1"), ca}, srv.getPrivate(), ca);
        SSLContext client = ctx(new X509Certificate[]{cert("appliance", cli, "ca", caKp.getPrivate(), false, null), ca}, cli.getPrivate(), ca);
        protocol = a.length > 3 ? a[3] : "TLSv1.3";
        long[] warm = run(server, client, n); // JIT
        long[] r = run(server, client, n);
        System.out.printf("%s, groups=%s, ECDSA verify %s: client %.2f ms, server %.2f ms CPU per handshake (%d handshakes; warm-up run %.2f / %.2f)%n",
                protocol, groups, bc ? "Bouncy Castle" : "JDK", r[0] / 1e6 / n, r[1] / 1e6 / n, n, warm[0] / 1e6 / n, warm[1] / 1e6 / n);
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
