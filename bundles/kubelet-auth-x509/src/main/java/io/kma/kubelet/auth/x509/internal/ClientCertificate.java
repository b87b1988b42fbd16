package io.kma.kubelet.auth.x509.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.net.ssl.X509KeyManager;
import javax.security.auth.x500.X500Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kma.api.tls.TlsException;
import io.kma.api.tls.TlsMaterials;
import io.kma.shared.x509.SubjectNames;

/**
 * A client certificate and key file pair. Once loaded, the key manager from {@link TlsMaterials}
 * follows rotation of the files by itself. Until then (files missing or unusable) there is no key
 * manager, and loading is retried on use at most every {@link #RETRY_NANOS}; each change of state is
 * logged in one line. The certificate's CN, for {@link #describe()}, is re-read when the certificate
 * file changes.
 */
final class ClientCertificate {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificate.class);

    static final long RETRY_NANOS = 5_000_000_000L;

    /**
     * Current state.
     *
     * @param keyManager the key manager, null until loaded
     * @param subject    {@code CN=...} of the leaf certificate (or its whole subject when it has no CN)
     * @param problem    why there is no key manager, null when there is one
     * @param certStamp  identity, time and size of the certificate file the subject was read from
     */
    private record State(X509KeyManager keyManager, String subject, String problem, List<Object> certStamp) {
    }

    private final TlsMaterials tls;
    private final Path certificate;
    private final Path key;
    private final LongSupplier nanoClock;
    private volatile State state = new State(null, null, "not loaded yet", null);
    private volatile long nextCheckNanos;

    ClientCertificate(TlsMaterials tls, Path certificate, Path key, LongSupplier nanoClock) {
        this.tls = tls;
        this.certificate = certificate;
        this.key = key;
        this.nanoClock = nanoClock;
        refresh(true);
    }

    Path certificate() {
        return certificate;
    }

    Path key() {
        return key;
    }

    Optional<X509KeyManager> keyManager() {
        State s = state;
        if (s.keyManager() == null && due()) {
            refresh(false);
            s = state;
        }
        return Optional.ofNullable(s.keyManager());
    }

    String describe() {
        if (due()) {
            refresh(false);
        }
        State s = state;
        if (s.keyManager() == null) {
            return "client certificate " + certificate + " (" + s.problem() + ")";
        }
        return "client certificate " + certificate + " (" + s.subject() + ")";
    }

    private boolean due() {
        return nanoClock.getAsLong() - nextCheckNanos >= 0;
    }

    /** Loads the pair when not loaded yet, or re-reads the subject when the certificate file changed. */
    private synchronized void refresh(boolean first) {
        long now = nanoClock.getAsLong();
        if (!first && now - nextCheckNanos < 0) {
            return; // another thread just did it
        }
        nextCheckNanos = now + RETRY_NANOS;
        State old = state;
        if (old.keyManager() == null) {
            State next = load();
            state = next;
            if (next.keyManager() != null) {
                LOG.info("kubelet client certificate {} loaded ({})", certificate, next.subject());
            } else if (!next.problem().equals(old.problem())) {
                LOG.warn("kubelet client certificate {} not usable, kubelets will refuse the appliance until it is: {}",
                        certificate, next.problem());
            }
            return;
        }
        List<Object> stamp = stamp(certificate);
        if (stamp != null && !stamp.equals(old.certStamp())) {
            try {
                String subject = subject(tls.readCertificates(certificate));
                state = new State(old.keyManager(), subject, null, stamp);
                if (!subject.equals(old.subject())) {
                    LOG.info("kubelet client certificate {} rotated ({})", certificate, subject);
                }
            } catch (TlsException e) {
                // The key manager keeps presenting what it last loaded; the description stays as it was.
                state = new State(old.keyManager(), old.subject(), null, stamp);
            }
        }
    }

    private State load() {
        if (certificate.toString().isEmpty() || key.toString().isEmpty()) {
            return new State(null, null, "not configured: kubelet.clientCertificate and kubelet.clientKey are needed", null);
        }
        String missing = unreadable(certificate);
        if (missing != null) {
            return new State(null, null, "unreadable: " + missing, null);
        }
        missing = unreadable(key);
        if (missing != null) {
            return new State(null, null, "key " + key + " unreadable: " + missing, null);
        }
        try {
            List<Object> stamp = stamp(certificate);
            X509KeyManager km = tls.keyManager(certificate, key);
            String subject = subject(tls.readCertificates(certificate));
            return new State(km, subject, null, stamp);
        } catch (TlsException e) {
            return new State(null, null, withoutPathPrefix(String.valueOf(e.getMessage())), null);
        } catch (RuntimeException e) {
            return new State(null, null, "unusable: " + e, null);
        }
    }

    /** TlsException messages start with the file name, which describe() already gives. */
    private String withoutPathPrefix(String message) {
        String prefix = certificate + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** Why a file cannot be read, or null when it can. */
    static String unreadable(Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                return "is a directory";
            }
            if (!Files.isReadable(file)) {
                return "permission denied";
            }
            return null;
        } catch (NoSuchFileException e) {
            return "no such file";
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static List<Object> stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Arrays.asList(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code CN=<cn>} of the leaf certificate, or its whole subject when it has no CN. */
    static String subject(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return "no certificate";
        }
        X509Certificate leaf = chain.get(0);
        return SubjectNames.commonName(leaf).map(cn -> "CN=" + cn)
                .orElseGet(() -> "subject " + leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
    }
}
