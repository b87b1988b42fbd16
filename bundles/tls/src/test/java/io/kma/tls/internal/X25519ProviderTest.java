package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.KeyAgreement;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kma.testsupport.JdkTlsMaterials;
import io.kma.testsupport.TestPki;

/** x25519 on Bouncy Castle, as JDK 17's JSSE uses it, against the JDK's own XDH (what every peer computes). */
class X25519ProviderTest {

    /** JSSE names the group in lower case (sun.security.ssl.NamedGroup.name). */
    private static final NamedParameterSpec JSSE_X25519 = new NamedParameterSpec("x25519");
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private Provider installed;

    @BeforeEach
    void install() {
        installed = HandshakeProviderInstaller.install(new X25519Provider());
    }

    @AfterEach
    void uninstall() {
        HandshakeProviderInstaller.uninstall(installed);
        assertNull(Security.getProvider(X25519Provider.NAME), "left in the JVM's provider list");
    }

    @Test
    void rfc7748Vectors() throws Exception {
        // RFC 7748 §6.1: Alice's private key, Bob's public key, their shared secret; and Alice's public key
        byte[] alice = HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPublic = HexFormat.of().parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] shared = HexFormat.of().parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        KeyFactory f = KeyFactory.getInstance("XDH");
        PrivateKey a = f.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, alice));
        PublicKey b = f.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u(bobPublic)));
        assertEquals(X25519Provider.NAME, f.getProvider().getName());
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        assertArrayEquals(shared, agree(ka, a, b));
        assertEquals(X25519Provider.NAME, ka.getProvider().getName());
    }

    @Test
    void aDestroyedPrivateKeyIsRefusedNotUsedAsZeros() throws Exception {
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(JSSE_X25519, new SecureRandom());
        KeyPair pair = ours.generateKeyPair();
        X25519PrivateKey key = assertInstanceOf(X25519PrivateKey.class, pair.getPrivate());
        key.destroy();
        assertThrows(IllegalStateException.class, key::getEncoded);
        assertThrows(IllegalStateException.class, key::getScalar);
        KeyAgreement ka = KeyAgreement.getInstance("XDH", X25519Provider.NAME);
        assertThrows(InvalidKeyException.class, () -> ka.init(key));
    }

    @Test
    void agreesWithTheJdkBothWaysThroughJssesKeyShareEncoding() throws Exception {
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(JSSE_X25519, new SecureRandom());
        assertEquals(X25519Provider.NAME, ours.getProvider().getName());
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdk.initialize(NamedParameterSpec.X25519);
        for (int i = 0; i < 200; i++) {
            KeyPair appliance = ours.generateKeyPair();
            KeyPair peer = jdk.generateKeyPair();
            // as XDHKeyExchange: the key share is u, 32 bytes little-endian; the receiver decodes it by KeyFactory
            XECPublicKey applianceShare = (XECPublicKey) KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, u(share((XECPublicKey) appliance.getPublic()))));
            XECPublicKey peerShare = (XECPublicKey) KeyFactory.getInstance("XDH").generatePublic(
                    new XECPublicKeySpec(JSSE_X25519, u(share((XECPublicKey) peer.getPublic()))));
            byte[] ourSecret = agree(KeyAgreement.getInstance("XDH"), appliance.getPrivate(), peerShare);
            byte[] jdkSecret = agree(KeyAgreement.getInstance("XDH", "SunEC"), peer.getPrivate(), applianceShare);
            assertArrayEquals(jdkSecret, ourSecret, "secret " + i);
            // the JDK's own key pair through this provider's agreement, and ours through the JDK's
            assertArrayEquals(agree(KeyAgreement.getInstance("XDH", "SunEC"), peer.getPrivate(), appliance.getPublic()),
                    agree(KeyAgreement.getInstance("XDH"), peer.getPrivate(), appliance.getPublic()));
        }
    }

    @Test
    void refusesSmallOrderAndNonCanonicalValuesAsTheJdkDoes() throws Exception {
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdk.initialize(NamedParameterSpec.X25519);
        PrivateKey own = jdk.generateKeyPair().getPrivate();
        BigInteger[] values = {BigInteger.ZERO, BigInteger.ONE, P.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE),
            new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
            new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"),
            BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE), // 2^255 - 1 = p + 18
            BigInteger.ONE.shiftLeft(255).add(BigInteger.valueOf(9)), // top bit set, as a hostile share can send
            BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE), BigInteger.valueOf(9)};
        int refused = 0;
        for (BigInteger u : values) {
            PublicKey jdkKey = KeyFactory.getInstance("XDH", "SunEC").generatePublic(new XECPublicKeySpec(JSSE_X25519, u));
            PublicKey ourKey = KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(JSSE_X25519, u));
            assertEquals(((XECPublicKey) jdkKey).getU(), ((XECPublicKey) ourKey).getU(), "reduced as the JDK does, u=" + u);
            byte[] expected;
            try {
                expected = agree(KeyAgreement.getInstance("XDH", "SunEC"), own, jdkKey);
            } catch (InvalidKeyException jdkRefuses) {
                expected = null;
                refused++;
            }
            if (expected == null) {
                assertThrows(InvalidKeyException.class, () -> agree(KeyAgreement.getInstance("XDH"), own, ourKey),
                        "the JDK refuses u=" + u);
            } else {
                assertArrayEquals(expected, agree(KeyAgreement.getInstance("XDH"), own, ourKey), "u=" + u);
            }
        }
        assertEquals(7, refused, "the small-order values (0, 1, p-1, p, p+1 and the two of order 8) are refused");
    }

    @Test
    void x448AndEncodedKeysGoOnToTheJdk() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH");
        g.initialize(NamedParameterSpec.X448);
        KeyPair x448 = g.generateKeyPair();
        assertEquals("SunEC", g.getProvider().getName());
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(x448.getPrivate());
        assertEquals("SunEC", ka.getProvider().getName());
        KeyFactory f = KeyFactory.getInstance("XDH");
        PublicKey decoded = f.generatePublic(new X509EncodedKeySpec(x448.getPublic().getEncoded()));
        assertEquals(x448.getPublic(), decoded);
        assertEquals("SunEC", f.getProvider().getName());
        // this provider's own keys encode as the JDK's do (RFC 8410), so the JDK reads them back
        KeyPair ours = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        assertInstanceOf(X25519PublicKey.class, ours.getPublic());
        PublicKey jdkCopy = KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                new X509EncodedKeySpec(ours.getPublic().getEncoded()));
        assertEquals(((XECPublicKey) ours.getPublic()).getU(), ((XECPublicKey) jdkCopy).getU());
        PrivateKey jdkPrivate = KeyFactory.getInstance("XDH", "SunEC").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(ours.getPrivate().getEncoded()));
        assertArrayEquals(((XECPrivateKey) ours.getPrivate()).getScalar().orElseThrow(),
                ((XECPrivateKey) jdkPrivate).getScalar().orElseThrow());
    }

    @Test
    void aTls13HandshakeRunsOnIt() throws Exception {
        TestPki.Issued ca = TestPki.ca("x25519-ca");
        TestPki.Issued server = TestPki.server(ca, "kubelet", "kubelet");
        TestPki.Issued client = TestPki.client(ca, "CN=appliance");
        JdkTlsMaterials m = new JdkTlsMaterials();
        TrustManager[] trust = {m.trustManager(ca.certPem(), "ca")};
        SSLContext sc = SSLContext.getInstance("TLSv1.3");
        sc.init(new javax.net.ssl.KeyManager[] {server.keyManager()}, trust, null);
        SSLContext cc = SSLContext.getInstance("TLSv1.3");
        cc.init(new javax.net.ssl.KeyManager[] {client.keyManager()}, trust, null);
        SSLEngine c = cc.createSSLEngine("kubelet", 10250);
        c.setUseClientMode(true);
        SSLParameters p = c.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        c.setSSLParameters(p);
        SSLEngine s = sc.createSSLEngine();
        s.setUseClientMode(false);
        s.setNeedClientAuth(true);
        // JSSE takes its XDH from the provider list: this provider answers first
        assertEquals(X25519Provider.NAME, KeyPairGenerator.getInstance("XDH").getProvider().getName());
        ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
        ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        c.beginHandshake();
        s.beginHandshake();
        for (int step = 0; step < 50 && !(done(c) && done(s)); step++) {
            pump(c, ByteBuffer.allocate(0), c2s, s2c, app);
            pump(s, ByteBuffer.allocate(0), s2c, c2s, app);
        }
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, c.getHandshakeStatus());
        assertEquals("TLSv1.3", c.getSession().getProtocol());
        assertEquals("CN=appliance", s.getSession().getPeerPrincipal().getName());
        // application data both engines agree on: the keys derived from the shared secret are the same
        c.wrap(ByteBuffer.wrap("GET /metrics/resource".getBytes(StandardCharsets.US_ASCII)), c2s);
        c2s.flip();
        app.clear();
        SSLEngineResult r;
        do {
            r = s.unwrap(c2s, app);
        } while (r.getStatus() == SSLEngineResult.Status.OK && app.position() == 0 && c2s.hasRemaining());
        assertEquals("GET /metrics/resource", new String(Arrays.copyOf(app.array(), app.position()),
                StandardCharsets.US_ASCII));
    }

    @Test
    void installingTwiceKeepsOneAndUninstallLeavesAnotherCopyAlone() {
        Provider second = HandshakeProviderInstaller.install(new X25519Provider());
        assertNotSame(installed, second);
        assertEquals(1, Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(X25519Provider.NAME))
                .count());
        HandshakeProviderInstaller.uninstall(installed);
        assertSame(second, Security.getProvider(X25519Provider.NAME));
        installed = second;
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    /** One step for an engine: run tasks, unwrap what the peer sent, wrap what it wants to send. */
    private static void pump(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws Exception {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, app);
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        for (int k = 0; k < 10 && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; k++) {
            e.wrap(empty, out);
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }

    /** The 32-byte little-endian key share of a public key, as XDHKeyExchange encodes it. */
    private static byte[] share(XECPublicKey k) {
        byte[] be = k.getU().toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    /** u from a little-endian key share, as XDHKeyExchange decodes it (no masking of the top bit). */
    private static BigInteger u(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] agree(KeyAgreement ka, PrivateKey own, PublicKey peer) throws GeneralSecurityException {
        ka.init(own);
        ka.doPhase(peer, true);
        return ka.generateSecret("TlsPremasterSecret").getEncoded();
    }
}
