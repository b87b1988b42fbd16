package io.kma.tls.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;

/**
 * {@link TlsMaterials} on Bouncy Castle's PEM parser and certificate builder. Managers built from
 * files check the files' stamps at most once per {@link #CHECK_INTERVAL} when used and re-read them
 * when they changed; a broken new file keeps the last good material.
 */
@Component(service = TlsMaterials.class)
public final class BcTlsMaterials implements TlsMaterials {

    /** How often, at most, files behind a manager are checked for changes (on use, not by a timer). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(BcTlsMaterials.class);

    private final PemReader pem = new PemReader();
    private final LongSupplier nanoClock;
    private final long checkIntervalNanos;
    private final AtomicLong loads = new AtomicLong();

    public BcTlsMaterials() {
        this(System::nanoTime, CHECK_INTERVAL);
    }

    /** For tests: a controllable clock and check interval. */
    public BcTlsMaterials(LongSupplier nanoClock, Duration checkInterval) {
        this.nanoClock = nanoClock;
        this.checkIntervalNanos = checkInterval.toNanos();
    }

    @Override
    public List<X509Certificate> readCertificates(Path pemFile) throws TlsException {
        return pem.certificates(PemReader.readFile(pemFile), pemFile.toString());
    }

    @Override
    public List<X509Certificate> parseCertificates(String pemText, String source) throws TlsException {
        return pem.certificates(pemText, source);
    }

    @Override
    public PrivateKey readPrivateKey(Path pemFile) throws TlsException {
        return pem.privateKey(PemReader.readFile(pemFile), pemFile.toString());
    }

    @Override
    public X509ExtendedTrustManager trustManager(Path caBundle) throws TlsException {
        WatchedFiles<X509ExtendedTrustManager> watched = new WatchedFiles<>(List.of(caBundle),
                () -> TrustBuilder.trustManager(readCertificates(caBundle), caBundle.toString()),
                tm -> tm.getAcceptedIssuers().length + " CA certificates", nanoClock, checkIntervalNanos);
        return new ReloadingTrustManager(watched::current);
    }

    @Override
    public X509ExtendedTrustManager trustManager(String caPem, String source) throws TlsException {
        return TrustBuilder.trustManager(parseCertificates(caPem, source), source);
    }

    @Override
    public X509ExtendedKeyManager keyManager(Path certChain, Path privateKey) throws TlsException {
        WatchedFiles<ServingIdentity> watched = new WatchedFiles<>(List.of(certChain, privateKey),
                () -> identity(certChain, privateKey),
                ServingIdentity::describe, nanoClock, checkIntervalNanos);
        return new ReloadingKeyManager(watched::current);
    }

    @Override
    public X509ExtendedKeyManager keyManager(String certChainPem, String privateKeyPem, String source)
            throws TlsException {
        ServingIdentity identity = identity(certChainPem, source, privateKeyPem, source);
        return new ReloadingKeyManager(() -> identity);
    }

    @Override
    public CertificateFiles selfSigned(Path certDir, List<String> dnsNames, List<String> ips) throws TlsException {
        CertificateDirectory dir = new CertificateDirectory(certDir);
        Path crt = dir.certificate();
        Path key = dir.privateKey();
        if (Files.exists(crt) || Files.exists(key)) {
            String unusable;
            try {
                ServingIdentity existing = identity(crt, key);
                X509Certificate leaf = existing.leaf();
                Instant now = Instant.now();
                if (SelfSignedCertificate.expired(leaf, now)) {
                    unusable = crt + ": expired on " + leaf.getNotAfter().toInstant();
                } else if (SelfSignedCertificate.dueForRenewal(leaf, now) && SelfSignedCertificate.generatedHere(leaf)) {
                    // Renewed before it expires: the listeners' key managers pick the new files up on the next
                    // handshake, so nothing restarts (upstream's stays until a restart after expiry).
                    unusable = crt + ": renewing, expires on " + leaf.getNotAfter().toInstant();
                } else {
                    return new CertificateFiles(crt, key, false);
                }
            } catch (TlsException e) {
                unusable = e.getMessage();
            }
            LOG.warn("Replacing the self-signed certificate: {}", unusable);
        }
        dir.write(SelfSignedCertificate.generate(dnsNames, ips, Instant.now()));
        LOG.info("Generated self-signed cert ({}, {})", crt, key);
        return new CertificateFiles(crt, key, true);
    }

    @Override
    public CertificateRequest certificateRequest(String commonName, List<String> organizations) throws TlsException {
        return CertificateRequests.generate(commonName, organizations);
    }

    /** Reads a chain file and its key file, the chain first so that its error comes first. */
    private ServingIdentity identity(Path certChain, Path privateKey) throws TlsException {
        List<X509Certificate> chain = pem.certificates(PemReader.readFile(certChain), certChain.toString());
        PrivateKey key = pem.privateKey(PemReader.readFile(privateKey), privateKey.toString());
        return identity(chain, certChain.toString(), key, privateKey.toString());
    }

    /** Parses a chain and its key and checks that they belong together. */
    private ServingIdentity identity(String chainPem, String chainSource, String keyPem, String keySource)
            throws TlsException {
        return identity(pem.certificates(chainPem, chainSource), chainSource, pem.privateKey(keyPem, keySource), keySource);
    }

    private ServingIdentity identity(List<X509Certificate> chain, String chainSource, PrivateKey key, String keySource)
            throws TlsException {
        if (!KeyPairMatch.matches(chain.get(0).getPublicKey(), key)) {
            String where = chainSource.equals(keySource) ? chainSource : chainSource + ", " + keySource;
            throw new TlsException(where + ": certificate and key do not match");
        }
        return new ServingIdentity("kma-" + loads.incrementAndGet(), chain, key);
    }
}
