package io.kma.tls.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials.CertificateRequest;

/** Key pairs and PKCS#10 requests for the CSR API; the JDK signs, Bouncy Castle builds the ASN.1 and the PEM. */
final class CertificateRequests {

    private CertificateRequests() {
    }

    static CertificateRequest generate(String commonName, List<String> organizations) throws TlsException {
        if (commonName == null || commonName.isBlank()) {
            throw new TlsException("certificate request: the common name is empty");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            for (String o : organizations) {
                subject.addRDN(BCStyle.O, o);
            }
            subject.addRDN(BCStyle.CN, commonName);
            var request = new JcaPKCS10CertificationRequestBuilder(subject.build(), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return new CertificateRequest(pem(request), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new TlsException("certificate request cannot be generated: " + e.getMessage());
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        }
        return out.toString();
    }
}
