package io.kma.shared.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class SubjectNamesTest {

    /** A self-signed certificate with this subject, written in RFC 2253 order (most specific first). */
    private static X509Certificate cert(String subject) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name(subject);
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.HOURS)), name,
                kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    }

    @Test
    void commonNameAndGroupsAsKubernetesReadsThem() throws Exception {
        // BouncyCastle encodes X500Name's RDNs in text order: O=system:masters first, then O=b, then CN
        X509Certificate c = cert("O=system:masters,O=b,CN=kube-apiserver-kubelet-client");
        assertEquals(Optional.of("kube-apiserver-kubelet-client"), SubjectNames.commonName(c));
        assertEquals(List.of("system:masters", "b"), SubjectNames.organizations(c));
        assertEquals(List.of("system:masters"), AdminGroups.of(c));
    }

    @Test
    void lastCommonNameInEncodingOrderWinsAsInGo() throws Exception {
        X509Certificate c = cert("CN=first,CN=second");
        assertEquals(List.of("first", "second"), SubjectNames.values(c, "cn"));
        assertEquals(Optional.of("second"), SubjectNames.commonName(c));
    }

    @Test
    void noCommonName() throws Exception {
        X509Certificate c = cert("O=kubeadm:cluster-admins");
        assertEquals(Optional.empty(), SubjectNames.commonName(c));
        assertEquals(List.of("kubeadm:cluster-admins"), AdminGroups.of(c));
        assertTrue(AdminGroups.of(cert("CN=system:kube-metrics-appliance")).isEmpty());
    }

    @Test
    void soleCommonNameOnlyForANameThatIsOneCn() throws Exception {
        assertEquals(Optional.of("system:kube-metrics-appliance"),
                SubjectNames.soleCommonName(cert("CN=system:kube-metrics-appliance").getSubjectX500Principal()));
        assertEquals(Optional.of("a,b"), SubjectNames.soleCommonName(new X500Principal("CN=a\\,b")));
        assertEquals(Optional.empty(), SubjectNames.soleCommonName(new X500Principal("CN=x,O=system:masters")));
        assertEquals(Optional.empty(), SubjectNames.soleCommonName(new X500Principal("CN=x+O=y")));
        assertEquals(Optional.empty(), SubjectNames.soleCommonName(new X500Principal("O=x")));
    }

    @Test
    void rfc2253TextIsReadRightToLeftWithEscapes() {
        assertEquals(List.of("system:node:w1"), SubjectNames.values("CN=system:node:w1,O=system:nodes", "CN"));
        assertEquals(List.of("c", "a"), SubjectNames.values("O=a,O=c", "O"), "encoding order is the text's reverse");
        assertEquals(List.of("a,b"), SubjectNames.values("CN=a\\,b", "CN"));
        assertEquals(List.of(), SubjectNames.values("not a name", "CN"));
    }
}
