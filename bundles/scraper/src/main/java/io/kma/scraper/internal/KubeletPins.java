package io.kma.scraper.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins of kubelets that serve kubeadm's default self-signed certificate ({@code CN=<hostname>@<unix-seconds>},
 * issued by {@code <hostname>-ca@<unix-seconds>}; no CA of the cluster signs it). On first contact the
 * certificate is trusted only when its CN names the node being scraped; the SHA-256 of its public key is
 * then written to {@code <directory>/<node>.pin} (0600). Afterwards only that key is accepted: a different
 * one fails the node with one line naming the node and how to re-pin it (delete the pin file; the next
 * scrape pins again). The key, not the certificate, is pinned, because kubelet keeps serving the same
 * pair past its expiry and only a regenerated pair has a new key.
 */
final class KubeletPins {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletPins.class);

    /** kubelet's own CN form: the lower-cased hostname, '@', the creation time in Unix seconds. */
    private static final Pattern SELF_SIGNED_CN = Pattern.compile("([^@]{1,253})@([0-9]{1,19})");

    /** RFC 1123 subdomain, what Kubernetes allows as a node name; also a safe file name. */
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** Thrown when a node's kubelet presents a key other than its pinned one. */
    static final class PinMismatchException extends SSLPeerUnverifiedException {
        private static final long serialVersionUID = 1L;

        PinMismatchException(String message) {
            super(message);
        }
    }

    private final Path directory;
    /** node → pin; a cache of the files, re-read before refusing (a deleted file means re-pin). */
    private final Map<String, String> pins = new ConcurrentHashMap<>();
    /** node → the refusal line of its last mismatch, until it verifies again. */
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    /** doctor runs as root: it checks against the pins but never writes the service user's files */
    private final boolean readOnly;

    KubeletPins(Path directory) {
        this(directory, false);
    }

    KubeletPins(Path directory, boolean readOnly) {
        this.directory = directory;
        this.readOnly = readOnly;
    }

    Path directory() {
        return directory;
    }

    /** True for the form kubelet generates when it has no other serving certificate. */
    static boolean isKubeletSelfSigned(X509Certificate leaf) {
        String cn = NodeNameVerifier.commonName(leaf);
        return cn != null && SELF_SIGNED_CN.matcher(cn).matches();
    }

    /** sha256/ + base64 of the SubjectPublicKeyInfo, the form of HPKP and kubeadm's discovery hashes. */
    static String pinOf(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
            return "sha256/" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    Path file(String node) {
        return directory.resolve(node + ".pin");
    }

    /** The command that re-pins one node, as printed in refusals and by doctor. */
    String repinCommand(String node) {
        return "rm " + file(node);
    }

    void verify(KubeletIdentityCheck.Identity who, X509Certificate leaf) throws SSLPeerUnverifiedException {
        String node = who.node();
        if (!NODE_NAME.matcher(node).matches() || node.length() > 253) {
            throw new SSLPeerUnverifiedException("node name " + node + " cannot be pinned (not an RFC 1123 name)");
        }
        String presented = pinOf(leaf);
        String pinned = pins.get(node);
        if (presented.equals(pinned)) {
            refused.remove(node);
            return;
        }
        pinned = read(node);
        if (pinned == null) {
            firstContact(who, leaf, presented);
            refused.remove(node);
            return;
        }
        pins.put(node, pinned);
        if (presented.equals(pinned)) {
            refused.remove(node);
            return;
        }
        String line = "kubelet of node " + node + " presents key " + presented + " (certificate "
                + NodeNameVerifier.commonName(leaf) + "), not the pinned " + pinned
                + "; if its certificate was regenerated on purpose, re-pin with: " + repinCommand(node);
        refused.put(node, line);
        throw new PinMismatchException(line);
    }

    private void firstContact(KubeletIdentityCheck.Identity who, X509Certificate leaf, String pin)
            throws SSLPeerUnverifiedException {
        String cn = NodeNameVerifier.commonName(leaf);
        Matcher m = cn == null ? null : SELF_SIGNED_CN.matcher(cn);
        if (m == null || !m.matches()) {
            throw new SSLPeerUnverifiedException("kubelet certificate of node " + who.node() + " (CN " + cn
                    + ") is neither signed by the configured CA nor kubelet's self-signed <hostname>@<time> form");
        }
        String host = m.group(1).toLowerCase(Locale.ROOT);
        if (!who.names().contains(host) && !who.node().equals(host)) {
            throw new SSLPeerUnverifiedException("kubelet certificate CN " + cn + " names host " + host + ", not node "
                    + who.node() + " (expected one of " + who.names() + "): not pinned");
        }
        if (readOnly) {
            return;
        }
        String text = pin + "\n# node " + who.node() + ", certificate " + cn + ", pinned " + Instant.now() + "\n"
                + "# delete this file to accept the node's next certificate\n";
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, "." + who.node(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                moveInto(tmp, file(who.node()));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new SSLPeerUnverifiedException("cannot store the pin of node " + who.node() + " in " + directory
                    + ": " + e + " (kubelet.pinDirectory must be writable by the service user)");
        }
        String now = read(who.node());
        if (!pin.equals(now)) {
            // another scrape of the same node pinned first, with another key: refuse rather than trust both
            throw new PinMismatchException("kubelet of node " + who.node() + " presented two keys at first contact ("
                    + now + " was pinned); re-pin with: " + repinCommand(who.node()));
        }
        pins.put(who.node(), pin);
        LOG.info("pinned the self-signed kubelet certificate of node {} ({}, key {}) in {}", who.node(), cn, pin,
                file(who.node()));
    }

    /** No-replace move: a pin written concurrently by another scrape wins. */
    private static void moveInto(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            // pinned meanwhile; the caller re-reads
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target)) {
                return;
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException a) {
                Files.move(tmp, target);
            }
        }
    }

    /** The pin in the node's file, or null when there is none. */
    private String read(String node) throws SSLPeerUnverifiedException {
        try {
            String first = Files.readAllLines(file(node), StandardCharsets.US_ASCII).stream().findFirst().orElse("").trim();
            if (!first.startsWith("sha256/")) {
                throw new SSLPeerUnverifiedException("pin file " + file(node) + " is not readable as a pin (first line "
                        + "must be sha256/<base64>); delete it to re-pin node " + node);
            }
            return first;
        } catch (NoSuchFileException e) {
            pins.remove(node);
            return null;
        } catch (IOException e) {
            throw new SSLPeerUnverifiedException("cannot read the pin of node " + node + " from " + file(node) + ": " + e);
        }
    }

    /** Pin files in the directory (bounded count; an unreadable directory counts as none). */
    long pinFiles() {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.limit(1_000_000).filter(f -> f.getFileName().toString().endsWith(".pin")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** node → refusal line, for nodes whose last contact presented another key. */
    Map<String, String> refused() {
        return Map.copyOf(refused);
    }

    /** Drops state of nodes that left (the files stay: a node that comes back keeps its pin). */
    void retain(java.util.Set<String> nodes) {
        pins.keySet().retainAll(nodes);
        refused.keySet().retainAll(nodes);
    }
}
