package io.kma.tls.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

import io.kma.api.tls.TlsException;
import io.kma.shared.x509.SubjectNames;

/**
 * A serving certificate made like upstream's {@code GenerateSelfSignedCertKeyWithFixtures}: a CA
 * {@code <host>-ca@<unix>} signing a leaf {@code <host>@<unix>} for serverAuth, NotBefore one hour
 * ago, valid one year. Keys are EC P-256 instead of upstream's RSA 2048: generating them takes a
 * millisecond instead of a noticeable part of start-up, and every TLS client in Kubernetes accepts
 * them. Signing uses the JDK's providers; Bouncy Castle only builds the ASN.1 and writes the PEM.
 *
 * @param chainPem leaf then CA, PEM
 * @param keyPem   the leaf's private key, PEM (PKCS#8 "PRIVATE KEY")
 */
record SelfSignedCertificate(String chainPem, String keyPem) {

    static final Duration VALIDITY = Duration.ofDays(365);

    static SelfSignedCertificate generate(List<String> dnsNames, List<String> ips, Instant now) throws TlsException {
        String host = !dnsNames.isEmpty() ? dnsNames.get(0) : !ips.isEmpty() ? ips.get(0) : "localhost";
        List<GeneralName> sans = new ArrayList<>();
        for (String ip : ips) {
            if (!IPAddress.isValid(ip)) {
                throw new TlsException("self-signed certificate: \"" + ip + "\" is not an IP address");
            }
            sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        for (String dns : dnsNames) {
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair leafKeys = generator.generateKeyPair();

            long unix = now.getEpochSecond();
            Instant notBefore = now.minus(Duration.ofHours(1));
            Instant notAfter = notBefore.plus(VALIDITY);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            X500Name caName = new X500Name("CN=" + host + "-ca@" + unix);
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(random), Date.from(notBefore),
                    Date.from(notAfter), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(ca, caKeys);

            X509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caCert, serial(random),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + host + "@" + unix),
                    leafKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(leafKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            if (!sans.isEmpty()) {
                leaf.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            X509Certificate leafCert = sign(leaf, caKeys);

            // PKCS#8: the JDK's EC key encoding carries the curve in the PKCS#8 wrapper only, so a SEC1
            // block cut out of it would lack the curve and be unreadable by openssl and by us.
            return new SelfSignedCertificate(pem(leafCert, caCert), pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new TlsException("self-signed certificate cannot be generated: " + e.getMessage());
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    /** Random positive 127-bit serials, as RFC 5280 recommends, instead of upstream's fixed 1 and 2. */
    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(0);
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        return out.toString();
    }

    static boolean expired(X509Certificate leaf, Instant now) {
        return leaf.getNotAfter().toInstant().isBefore(now);
    }

    /** A self-signed pair is renewed this long before it expires (it is valid for {@link #VALIDITY}). */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    static boolean dueForRenewal(X509Certificate leaf, Instant now) {
        return leaf.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE));
    }

    /**
     * Whether the leaf looks generated by {@link #generate} (upstream's names: {@code <host>@<seconds>} issued by
     * {@code <host>-ca@<seconds>}), as opposed to a pair an operator put into the directory, which is never
     * replaced before it has expired.
     */
    static boolean generatedHere(X509Certificate leaf) {
        return soleCommonNameMatches(leaf.getSubjectX500Principal(), "[^,]+@\\d+")
                && soleCommonNameMatches(leaf.getIssuerX500Principal(), "[^,]+-ca@\\d+");
    }

    private static boolean soleCommonNameMatches(X500Principal name, String pattern) {
        return SubjectNames.soleCommonName(name).filter(cn -> cn.matches(pattern)).isPresent();
    }
}
