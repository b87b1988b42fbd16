package io.kma.shared.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;

import io.kma.testsupport.TestPki;

class SubjectNamesTest {

    /** A self-signed certificate with this subject, encoded in the text's order (BouncyCastle's X500Name). */
    private static X509Certificate cert(String subject) {
        return TestPki.certificate(subject).selfSigned().cert();
    }

    @Test
    void commonNameAndGroupsAsKubernetesReadsThem() {
        // BouncyCastle encodes X500Name's RDNs in text order: O=system:masters first, then O=b, then CN
        X509Certificate c = cert("O=system:masters,O=b,CN=kube-apiserver-kubelet-client");
        assertEquals(Optional.of("kube-apiserver-kubelet-client"), SubjectNames.commonName(c));
        assertEquals(List.of("system:masters", "b"), SubjectNames.organizations(c));
        assertEquals(List.of("system:masters"), AdminGroups.of(c));
    }

    @Test
    void lastCommonNameInEncodingOrderWinsAsInGo() {
        X509Certificate c = cert("CN=first,CN=second");
        assertEquals(List.of("first", "second"), SubjectNames.values(c, "cn"));
        assertEquals(Optional.of("second"), SubjectNames.commonName(c));
    }

    @Test
    void noCommonName() {
        X509Certificate c = cert("O=kubeadm:cluster-admins");
        assertEquals(Optional.empty(), SubjectNames.commonName(c));
        assertEquals(List.of("kubeadm:cluster-admins"), AdminGroups.of(c));
        assertTrue(AdminGroups.of(cert("CN=system:kube-metrics-appliance")).isEmpty());
    }

    @Test
    void soleCommonNameOnlyForANameThatIsOneCn() {
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
