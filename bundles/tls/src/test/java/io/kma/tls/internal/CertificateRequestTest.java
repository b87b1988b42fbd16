package io.kma.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials.CertificateRequest;

class CertificateRequestTest {

    @Test
    void requestIsSelfSignedForTheReturnedKeyAndNamesTheSubject() throws Exception {
        CertificateRequest r = new BcTlsMaterials().certificateRequest("system:kube-metrics-appliance", List.of("g1"));
        PKCS10CertificationRequest csr = (PKCS10CertificationRequest) new PEMParser(new StringReader(r.requestPem())).readObject();
        assertEquals("O=g1,CN=system:kube-metrics-appliance", csr.getSubject().toString());
        ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pub)));
        PrivateKey key = new PemReader().privateKey(r.privateKeyPem(), "test");
        assertTrue(KeyPairMatch.matches(pub, key));
        assertEquals(256, ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize());
        assertEquals("CertificateRequest[key withheld]", r.toString());
    }

    @Test
    void emptyNameIsRefused() {
        assertThrows(TlsException.class, () -> new BcTlsMaterials().certificateRequest(" ", List.of()));
    }
}
