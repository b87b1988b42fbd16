package io.kma.tls.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import io.kma.api.tls.TlsException;

/**
 * Parses PEM text with Bouncy Castle into JDK objects. Certificates and keys are converted with the
 * JDK's own providers (no Bouncy Castle JCA provider is installed) so that JSSE handles them natively.
 */
final class PemReader {

    private final JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
    private final JcaPEMKeyConverter keys = new JcaPEMKeyConverter();

    /** Reads a file as text; the message names the file and the reason it cannot be read. */
    static String readFile(Path file) throws TlsException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": unreadable: no such file");
        } catch (AccessDeniedException e) {
            throw new TlsException(file + ": unreadable: permission denied");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TlsException(file + ": not PEM text (binary content)");
        } catch (IOException e) {
            throw new TlsException(file + ": unreadable: " + e.getMessage());
        }
    }

    /** All CERTIFICATE blocks in order; other blocks (keys, parameters) are skipped. */
    List<X509Certificate> certificates(String pem, String source) throws TlsException {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(pem, source)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(certificates.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsException(source + ": certificate " + (out.size() + 1) + " is not valid X.509: "
                            + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new TlsException(source + ": no CERTIFICATE block");
        }
        return out;
    }

    /** The first private key: PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY). */
    PrivateKey privateKey(String pem, String source) throws TlsException {
        for (Object o : objects(pem, source)) {
            try {
                if (o instanceof PEMKeyPair pair) {
                    // Only the private part: SEC1 keys may omit the optional public key.
                    return keys.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return keys.getPrivateKey(info);
                }
            } catch (IOException | RuntimeException e) {
                throw new TlsException(source + ": private key cannot be decoded: " + e.getMessage());
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsException(source + ": encrypted private keys are not supported");
            }
        }
        throw new TlsException(source + ": no private key block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static List<Object> objects(String pem, String source) throws TlsException {
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            // Bounded by the text: each readObject consumes at least one block or returns null at the end.
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsException(source + ": malformed PEM: " + e.getMessage());
        }
        return out;
    }
}
