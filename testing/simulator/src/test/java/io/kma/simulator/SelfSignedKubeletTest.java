package io.kma.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --kubelet-self-signed-certs: each kubelet serves what kubelet generates without serverTLSBootstrap. */
class SelfSignedKubeletTest {

    @TempDir
    Path dir;

    static X509Certificate[] chainOf(InetSocketAddress kubelet) throws Exception {
        X509Certificate[][] seen = new X509Certificate[1][];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(kubelet.getAddress(), kubelet.getPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
        }
        return seen[0];
    }

    @Test
    void kubeletsServeTheirOwnSelfSignedCertificates() throws Exception {
        try (Simulator sim = Simulator.start(SimulatorOptions.builder(dir).nodes(2).podsPerNode(1)
                .kubeletSelfSignedCerts(true).build())) {
            X509Certificate[] chain = chainOf(sim.kubeletAddress(1));
            String cn = chain[0].getSubjectX500Principal().getName();
            assertTrue(cn.matches("CN=sim-node-1@[0-9]+"), cn);
            String unix = cn.substring(cn.indexOf('@') + 1);
            assertEquals("CN=sim-node-1-ca@" + unix, chain[0].getIssuerX500Principal().getName());
            assertEquals(List.of(List.of(2, "sim-node-1")), List.copyOf(chain[0].getSubjectAlternativeNames()));
            assertEquals(2, chain.length, "leaf then its own CA, as kubelet.crt holds them");
            chain[0].verify(chain[1].getPublicKey());
            assertNotEquals(chain[0].getPublicKey(), chainOf(sim.kubeletAddress(0))[0].getPublicKey(), "a key per kubelet");
        }
    }
}
