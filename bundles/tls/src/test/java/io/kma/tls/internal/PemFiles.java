package io.kma.tls.internal;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import io.kma.testsupport.TestPki;

/** Keys and certificates (from the shared TestPki) written in the PEM flavours under test. */
final class PemFiles {

    enum KeyFormat {
        /** "RSA PRIVATE KEY" or "EC PRIVATE KEY" (PKCS#1 for RSA, SEC1 for EC), what openssl and Go write. */
        TRADITIONAL,
        /** "PRIVATE KEY". */
        PKCS8
    }

    private PemFiles() {
    }

    /** A self-signed certificate for {@code cn} with DNS SAN localhost. */
    static X509Certificate certificate(KeyPair keys, String cn) {
        return TestPki.certificate("CN=" + cn).keys(keys).sans("localhost").selfSigned().cert();
    }

    static String pem(Object... objects) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        return out.toString();
    }

    static String keyPem(KeyPair keys, KeyFormat format) throws Exception {
        PrivateKey key = keys.getPrivate();
        if (format == KeyFormat.PKCS8) {
            return pem(new JcaPKCS8Generator(key, null));
        }
        if (key.getAlgorithm().equals("RSA")) {
            return pem(key); // "RSA PRIVATE KEY" (PKCS#1)
        }
        // SEC1 as openssl and Go write it: curve parameters and public key inside the ECPrivateKey.
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        DERBitString publicKey = new DERBitString(
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes());
        ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), publicKey,
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    static Path write(Path file, String text) throws Exception {
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    /** Writes a fresh certificate and key (in place, same names) and returns the certificate. */
    static X509Certificate writePair(Path crt, Path key, String algorithm, String cn) throws Exception {
        KeyPair keys = TestPki.keyPair(algorithm);
        X509Certificate cert = certificate(keys, cn);
        write(key, keyPem(keys, KeyFormat.TRADITIONAL));
        write(crt, pem(cert));
        return cert;
    }
}
